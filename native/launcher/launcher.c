/*
 * teleport-launcher: the first process of every SSH session.
 *
 * Usage:
 *   teleport-launcher --cgroup-procs PATH [--uid N --gid N [--groups N,N,...]]
 *                     [--cwd DIR] [--env-clear] [--tty-env NAME] [--setsid] -- PROGRAM [ARGS...]
 *
 * In this order it:
 *   1. writes its own pid to PATH (the session cgroup's cgroup.procs). The kernel side sees this
 *      move and starts attributing the process and all its descendants to the session, so it
 *      happens before anything else and any failure is fatal (including PATH not being on a
 *      cgroup v2 file system: root could write a plain file and the session would go unrecorded);
 *   2. with --uid: setgroups(--groups, or none), setgid, setuid, then verifies that real,
 *      effective and saved ids all changed and that root cannot be regained;
 *   3. with --cwd: chdir(DIR); when that fails it prints OpenSSH's warning
 *      "Could not chdir to home directory DIR: REASON" on stderr and starts in "/" instead;
 *   4. with --env-clear: empties the environment (otherwise it is inherited unchanged);
 *   5. with --tty-env NAME: when stdin is a terminal, sets NAME to its path (sshd's SSH_TTY; only
 *      the process in the terminal can learn its name);
 *   6. with --setsid: becomes a session leader (non-PTY sessions; node-pty does its own);
 *   7. executes PROGRAM with ARGS exactly as given, never through a shell: execv when PROGRAM
 *      contains a "/", otherwise a search of PATH (execvp; "/bin:/usr/bin" when PATH is unset).
 *
 * Errors are one line on stderr starting with "teleport-launcher: ". Exit codes (mirrored by
 * LAUNCHER_EXIT in src/launcher/index.ts; keep both in step):
 *   64  usage: bad or missing arguments
 *   65  writing the pid to the cgroup.procs file failed
 *   66  switching groups/gid/uid failed or could not be verified
 *   67  other session set-up failed (setsid, or chdir to "/" after the warning)
 *   126 PROGRAM was found but cannot be executed (permissions, format, ...)
 *   127 PROGRAM was not found
 * Otherwise the exit status is PROGRAM's own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270 /* linux/magic.h */
#endif

enum {
	EXIT_USAGE = 64,
	EXIT_CGROUP = 65,
	EXIT_CREDENTIALS = 66,
	EXIT_SETUP = 67,
	EXIT_NOT_EXECUTABLE = 126,
	EXIT_NOT_FOUND = 127,
};

/* Appended to usage errors so the one error line also says how to call the program. */
#define USAGE                                                                             \
	" (usage: teleport-launcher --cgroup-procs PATH [--uid N --gid N [--groups N,N,...]]" \
	" [--cwd DIR] [--env-clear] [--tty-env NAME] [--setsid] -- PROGRAM [ARGS...])"

struct options {
	const char *cgroup_procs;
	bool has_uid, has_gid, has_groups;
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	size_t ngroups;
	const char *cwd;
	bool env_clear;
	const char *tty_env;
	bool setsid;
	char **argv; /* PROGRAM and its arguments, NULL-terminated */
};

static void fail(int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

static void fail(int code, const char *fmt, ...)
{
	char line[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	/* One write, so concurrent output cannot split the line. */
	dprintf(STDERR_FILENO, "teleport-launcher: %s\n", line);
	exit(code);
}

/* Decimal id in [0, 2^32-2]: (uid_t)-1 means "unchanged" to the kernel, so it is refused. */
static bool parse_id(const char *text, unsigned int *out)
{
	unsigned long long value = 0;

	if (*text == '\0')
		return false;
	for (const char *p = text; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		value = value * 10 + (unsigned long long)(*p - '0');
		if (value > 0xfffffffeULL)
			return false;
	}
	*out = (unsigned int)value;
	return true;
}

/* "N,N,..." (or "" for none) into a freshly allocated array; empty items like "1,,2" are errors. */
static void parse_groups(const char *text, struct options *o)
{
	size_t count = 1;
	char *copy, *start, *comma;

	for (const char *p = text; *p; p++)
		count += *p == ',';
	free(o->groups); /* a repeated --groups replaces the earlier one */
	o->groups = calloc(count, sizeof(gid_t));
	copy = strdup(text);
	if (o->groups == NULL || copy == NULL)
		fail(EXIT_SETUP, "out of memory parsing --groups");
	o->ngroups = 0;
	for (start = copy; *text != '\0'; start = comma + 1) {
		unsigned int gid;

		comma = strchr(start, ',');
		if (comma)
			*comma = '\0';
		if (!parse_id(start, &gid))
			fail(EXIT_USAGE, "--groups: '%s' is not a group id (want N,N,... in decimal)", start);
		o->groups[o->ngroups++] = (gid_t)gid;
		if (!comma)
			break;
	}
	free(copy);
}

static const char *option_value(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		fail(EXIT_USAGE, "%s needs a value" USAGE, argv[*i]);
	return argv[++*i];
}

static void parse_args(int argc, char **argv, struct options *o)
{
	int i;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		unsigned int id;

		if (strcmp(arg, "--") == 0)
			break;
		if (strcmp(arg, "--cgroup-procs") == 0) {
			o->cgroup_procs = option_value(argc, argv, &i);
		} else if (strcmp(arg, "--uid") == 0) {
			const char *v = option_value(argc, argv, &i);
			if (!parse_id(v, &id))
				fail(EXIT_USAGE, "--uid: '%s' is not a user id", v);
			o->uid = (uid_t)id;
			o->has_uid = true;
		} else if (strcmp(arg, "--gid") == 0) {
			const char *v = option_value(argc, argv, &i);
			if (!parse_id(v, &id))
				fail(EXIT_USAGE, "--gid: '%s' is not a group id", v);
			o->gid = (gid_t)id;
			o->has_gid = true;
		} else if (strcmp(arg, "--groups") == 0) {
			parse_groups(option_value(argc, argv, &i), o);
			o->has_groups = true;
		} else if (strcmp(arg, "--cwd") == 0) {
			o->cwd = option_value(argc, argv, &i);
		} else if (strcmp(arg, "--env-clear") == 0) {
			o->env_clear = true;
		} else if (strcmp(arg, "--tty-env") == 0) {
			o->tty_env = option_value(argc, argv, &i);
			if (o->tty_env[0] == '\0' || strchr(o->tty_env, '=') != NULL)
				fail(EXIT_USAGE, "--tty-env: '%s' is not a variable name", o->tty_env);
		} else if (strcmp(arg, "--setsid") == 0) {
			o->setsid = true;
		} else {
			fail(EXIT_USAGE, "unknown option '%s'" USAGE, arg);
		}
	}
	if (o->cgroup_procs == NULL || o->cgroup_procs[0] == '\0')
		fail(EXIT_USAGE, "--cgroup-procs PATH is required" USAGE);
	if (o->has_uid != o->has_gid)
		fail(EXIT_USAGE, "--uid and --gid go together: give both or neither");
	if (o->has_groups && !o->has_uid)
		fail(EXIT_USAGE, "--groups needs --uid and --gid");
	if (i >= argc || i + 1 >= argc || argv[i + 1][0] == '\0')
		fail(EXIT_USAGE, "missing '-- PROGRAM [ARGS...]'" USAGE);
	o->argv = &argv[i + 1];
}

static void join_cgroup(const char *procs_path)
{
	char pid[32];
	int len = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	int fd = open(procs_path, O_WRONLY | O_CLOEXEC);
	struct statfs fs;

	if (fd < 0)
		fail(EXIT_CGROUP, "cannot open %s to join the session cgroup: %s", procs_path,
		     strerror(errno));
	/* Root can write any file: make sure this one really is a cgroup v2 file, or the session
	 * would run unrecorded without anyone noticing. */
	if (fstatfs(fd, &fs) != 0)
		fail(EXIT_CGROUP, "cannot check %s: %s", procs_path, strerror(errno));
	if (fs.f_type != CGROUP2_SUPER_MAGIC)
		fail(EXIT_CGROUP, "%s is not a cgroup.procs file of a cgroup v2 file system", procs_path);
	/* cgroup.procs takes one pid per write(); a short write would be a partial number. */
	if (write(fd, pid, (size_t)len) != len)
		fail(EXIT_CGROUP, "cannot add pid %d to %s: %s", (int)getpid(), procs_path,
		     strerror(errno));
	if (close(fd) != 0)
		fail(EXIT_CGROUP, "cannot add pid %d to %s: %s", (int)getpid(), procs_path,
		     strerror(errno));
}

static void switch_user(const struct options *o)
{
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;

	if (setgroups(o->ngroups, o->groups) != 0)
		fail(EXIT_CREDENTIALS, "setgroups for uid %u failed: %s", (unsigned)o->uid,
		     strerror(errno));
	if (setgid(o->gid) != 0)
		fail(EXIT_CREDENTIALS, "setgid(%u) failed: %s", (unsigned)o->gid, strerror(errno));
	if (setuid(o->uid) != 0)
		fail(EXIT_CREDENTIALS, "setuid(%u) failed: %s", (unsigned)o->uid, strerror(errno));

	/* Like OpenSSH's permanently_set_uid: trust only what the kernel reports back. */
	if (getresuid(&ruid, &euid, &suid) != 0 || getresgid(&rgid, &egid, &sgid) != 0)
		fail(EXIT_CREDENTIALS, "cannot read back the process ids: %s", strerror(errno));
	if (ruid != o->uid || euid != o->uid || suid != o->uid)
		fail(EXIT_CREDENTIALS, "uid switch to %u did not take (now %u/%u/%u): refusing to run",
		     (unsigned)o->uid, (unsigned)ruid, (unsigned)euid, (unsigned)suid);
	if (rgid != o->gid || egid != o->gid || sgid != o->gid)
		fail(EXIT_CREDENTIALS, "gid switch to %u did not take (now %u/%u/%u): refusing to run",
		     (unsigned)o->gid, (unsigned)rgid, (unsigned)egid, (unsigned)sgid);
	if (o->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
		fail(EXIT_CREDENTIALS, "could regain root after switching to uid %u: refusing to run",
		     (unsigned)o->uid);
}

static void change_dir(const char *dir)
{
	if (chdir(dir) == 0)
		return;
	/* OpenSSH's wording: users know it, and the session still starts. */
	dprintf(STDERR_FILENO, "Could not chdir to home directory %s: %s\n", dir, strerror(errno));
	if (chdir("/") != 0)
		fail(EXIT_SETUP, "cannot chdir to / either: %s", strerror(errno));
}

static void become_session_leader(void)
{
	/* A child spawned "detached" already leads its own session: nothing to do then. */
	if (setsid() < 0 && getsid(0) != getpid())
		fail(EXIT_SETUP, "setsid failed: %s", strerror(errno));
}

/* Whether PATH (or execvp's default) names an existing file called `name`. */
static bool found_in_path(const char *name)
{
	const char *path = getenv("PATH");
	char candidate[PATH_MAX];

	if (path == NULL)
		path = "/bin:/usr/bin";
	for (const char *dir = path;; dir++) {
		const char *end = strchrnul(dir, ':');
		int len = (int)(end - dir);

		/* An empty PATH entry means the current folder. */
		if (snprintf(candidate, sizeof(candidate), "%.*s%s%s", len, dir, len ? "/" : "",
			     name) < (int)sizeof(candidate) &&
		    access(candidate, F_OK) == 0)
			return true;
		if (*end == '\0')
			return false;
		dir = end;
	}
}

static void exec_program(char **argv)
{
	const char *program = argv[0];
	bool has_slash = strchr(program, '/') != NULL;
	int err;

	if (has_slash)
		execv(program, argv);
	else
		execvp(program, argv);
	err = errno;
	if (err == ENOENT || err == ENOTDIR) {
		bool exists = has_slash ? access(program, F_OK) == 0 : found_in_path(program);
		const char *path = getenv("PATH");

		/* The file is there, so what is missing is the interpreter its "#!" line names. */
		if (exists)
			fail(EXIT_NOT_EXECUTABLE, "cannot execute %s: bad interpreter in its #! line: %s",
			     program, strerror(err));
		if (has_slash)
			fail(EXIT_NOT_FOUND, "%s: no such file", program);
		fail(EXIT_NOT_FOUND, "%s: command not found in PATH=%s", program,
		     path ? path : "(unset: /bin:/usr/bin)");
	}
	fail(EXIT_NOT_EXECUTABLE, "cannot execute %s: %s", program, strerror(err));
}

int main(int argc, char **argv)
{
	struct options o = {0};

	parse_args(argc, argv, &o);
	join_cgroup(o.cgroup_procs);
	if (o.has_uid)
		switch_user(&o);
	if (o.cwd != NULL)
		change_dir(o.cwd);
	if (o.env_clear && clearenv() != 0)
		fail(EXIT_SETUP, "cannot clear the environment");
	if (o.tty_env != NULL && isatty(STDIN_FILENO)) {
		const char *tty = ttyname(STDIN_FILENO);

		if (tty != NULL && setenv(o.tty_env, tty, 1) != 0)
			fail(EXIT_SETUP, "cannot set %s: %s", o.tty_env, strerror(errno));
	}
	if (o.setsid)
		become_session_leader();
	exec_program(o.argv);
	return EXIT_NOT_EXECUTABLE; /* not reached: exec_program never returns */
}
