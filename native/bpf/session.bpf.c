// SPDX-License-Identifier: GPL-2.0
/* The session programs (DESIGN.md §3): lineage tracking and the exec, open and connect records.
 *
 * Attribution is by process lineage: a task that enters a session cgroup (cgroup_attach_task) is
 * put into `tracked` with its session's info; its children inherit the entry at fork; the entry
 * goes when the whole thread group has exited. Every event program first looks up the current
 * tgid in `tracked` and returns when it is absent, so processes outside sessions cost one hash
 * lookup and emit nothing.
 *
 * Records are variable length (common.h): exec and open records are assembled in a per-CPU scratch
 * buffer and copied into their ring with bpf_ringbuf_output, only the bytes used. A record that
 * does not fit in its ring, or a map entry that does not fit in its map, is counted in `lost`;
 * nothing is dropped silently.
 *
 * Targets kernels >= 5.8 (ring buffers, bpf_ktime_get_boot_ns): kernel structures are read with
 * CO-RE, loops are bounded (no bpf_loop), and only tracepoints, raw tracepoints (tp_btf) are used.
 */
#include "vmlinux.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include "common.h"

#define AF_INET 2
#define AF_INET6 10

#define O_WRONLY 01
#define O_CREAT 0100
#define O_TRUNC 01000

/* Most argv entries a failed exec record reads (a successful exec copies the whole argument
 * block at once, without this limit). More are flagged RECORD_F_ARGS_TRUNCATED. */
#define FAILED_EXEC_MAX_ARGS 512

/* Index of `lost` counting lineage entries (tracked) that did not fit. */
#define LOST_LINEAGE 0

/* ---- maps ------------------------------------------------------------------------------------ */

/* cgroup id (kernfs id of a cgroup v2 directory, its inode number) -> session. Written by user
 * space when a session opens. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct session_info);
} session_cgroups SEC(".maps");

/* tgid -> session, for every process descended from a session's first process. Not LRU: an
 * eviction would let a process escape its session silently; a full map counts in lost[0]. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, struct session_info);
} tracked SEC(".maps");

/* lost[kind]: records of that kind that did not fit in their ring (or whose syscall entry did not
 * fit in pending_*); lost[0]: lineage entries that did not fit in `tracked`. All sessions. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, RECORD_KIND_COUNT);
	__type(key, __u32);
	__type(value, __u64);
} lost SEC(".maps");

/* session_key -> what the kernel could not record for that session (same indexes as `lost`).
 * Entries appear at a session's first loss; user space deletes them when the session is over.
 * When this map is full the global `lost` still counts. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct session_lost);
} session_lost SEC(".maps");

/* One ring per record kind. User space sets their sizes (bytes, a power of two multiple of the
 * page size) before loading; these defaults only let the object load on its own. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096 * 8);
} command_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096 * 8);
} disk_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096 * 8);
} network_events SEC(".maps");

/* Where exec and open records are assembled. The path goes right after the fixed part and the
 * argument block right after the path. A failed exec copies each argument with a read of up to
 * RECORD_ARGS_MAX bytes at an offset below RECORD_ARGS_MAX, so the verifier needs a second
 * RECORD_ARGS_MAX of room behind the largest record; what lands there is never emitted. */
struct scratch_buf {
	struct exec_record rec;
	char data[RECORD_PATH_MAX + RECORD_ARGS_MAX + RECORD_ARGS_MAX];
	char tmp[RECORD_PATH_MAX]; /* strings examined, never emitted */
};

/* One scratch_buf per possible CPU, indexed by bpf_get_smp_processor_id(): user space sets
 * max_entries to libbpf_num_possible_cpus() before loading (per-CPU maps cap values at 32 KiB).
 * Only the exec and open programs use it; they run in process context with preemption
 * disabled, so two of them never share a CPU's buffer at the same time. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch_buf);
} scratch SEC(".maps");

/* Syscall arguments saved at sys_enter_* until the matching sys_exit_*, keyed by pid_tgid (the
 * thread). Entries of a thread that exits inside the syscall are removed at sched_process_exit. */
struct pending_exec {
	__u64 filename; /* const char __user * */
	__u64 argv;     /* const char __user *const __user * */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct pending_exec);
} pending_exec SEC(".maps");

struct pending_open {
	__u64 filename; /* const char __user * */
	__u64 how;      /* openat2: struct open_how __user *, read at exit; else 0 */
	__s32 flags;    /* O_* flags (not openat2) */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct pending_open);
} pending_open SEC(".maps");

/* The syscalls:sys_enter_* / sys_exit_* record layout (stable: see their tracefs `format`). */
struct syscall_enter_ctx {
	__u64 common;
	__s32 syscall_nr;
	__u32 pad;
	__u64 args[6];
};

struct syscall_exit_ctx {
	__u64 common;
	__s32 syscall_nr;
	__u32 pad;
	__s64 ret;
};

/* ---- helpers --------------------------------------------------------------------------------- */

/* Counts a loss of kind `index` (0: lineage) for everyone (`lost`) and for the session. */
static __always_inline void count_lost(__u32 index, __u64 session_key)
{
	/* A copy for the lookup: `index` itself must stay a register (a constant once inlined); the
	 * verifier loses its bound when it is spilled to the stack and reloaded. */
	__u32 key = index;
	struct session_lost *sl;
	__u64 *n = bpf_map_lookup_elem(&lost, &key);

	if (n)
		__sync_fetch_and_add(n, 1);
	if (index >= RECORD_KIND_COUNT)
		return;
	sl = bpf_map_lookup_elem(&session_lost, &session_key);
	if (!sl) {
		struct session_lost zero = {};

		/* NOEXIST: another CPU may have created it meanwhile; then use theirs. */
		bpf_map_update_elem(&session_lost, &session_key, &zero, BPF_NOEXIST);
		sl = bpf_map_lookup_elem(&session_lost, &session_key);
		if (!sl)
			return;
	}
	__sync_fetch_and_add(&sl->lost[index], 1);
}

/* The session of the current process when it records `kind`, else NULL. */
static __always_inline struct session_info *session_for(__u32 tgid, __u32 kind)
{
	struct session_info *s = bpf_map_lookup_elem(&tracked, &tgid);

	if (!s || !(s->kinds & KIND_BIT(kind)))
		return NULL;
	return s;
}

static __always_inline struct scratch_buf *scratch_get(void)
{
	__u32 cpu = bpf_get_smp_processor_id();

	return bpf_map_lookup_elem(&scratch, &cpu);
}

/* Everything but `size`, which the caller sets once the record is complete. */
static __always_inline void fill_header(struct record_header *h, __u32 kind, const struct session_info *s)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	h->kind = kind;
	h->session_key = s->session_key;
	h->cgroup_id = bpf_get_current_cgroup_id();
	h->ktime_ns = bpf_ktime_get_boot_ns();
	h->pid = bpf_get_current_pid_tgid() >> 32;
	h->ppid = BPF_CORE_READ(task, real_parent, tgid);
	bpf_get_current_comm(h->comm, sizeof(h->comm));
}

/* Copies the NUL-terminated string at src (user memory when user, else kernel memory) to dst,
 * which has RECORD_PATH_MAX bytes. Returns its length without the NUL, in [0, RECORD_PATH_MAX),
 * and adds RECORD_F_PATH_TRUNCATED / RECORD_F_PATH_UNREADABLE to *flags. */
static __always_inline __u32 read_path(char *dst, const char *src, bool user, __u32 *flags)
{
	long n;

	if (user)
		n = bpf_probe_read_user_str(dst, RECORD_PATH_MAX, src);
	else
		n = bpf_probe_read_kernel_str(dst, RECORD_PATH_MAX, src);
	if (n <= 0) {
		*flags |= RECORD_F_PATH_UNREADABLE;
		return 0;
	}
	if (n == RECORD_PATH_MAX) {
		/* The buffer is full: the string was longer if its last byte copied was not its end. */
		char c = 0;

		if (user)
			bpf_probe_read_user(&c, 1, src + RECORD_PATH_MAX - 1);
		else
			bpf_probe_read_kernel(&c, 1, src + RECORD_PATH_MAX - 1);
		if (c)
			*flags |= RECORD_F_PATH_TRUNCATED;
	}
	/* n - 1 < RECORD_PATH_MAX already; the mask tells the verifier. */
	return (__u32)(n - 1) & (RECORD_PATH_MAX - 1);
}

/* Waking the poller for every record costs the producer more than all the rest of the work (it
 * divides the rate of a tight open() loop by 3), so while the ring is less than half full a record
 * wakes the poller only when it fills the ring past another eighth of its size. Past half full,
 * when a starved poller risks a full ring and lost records, every record wakes it. The poller
 * also wakes every 100 ms by itself, and drain() consumes whatever is there. `used` is what the
 * ring holds before this record. */
static __always_inline __u64 wakeup_flags_for(void *ring, __u64 used, __u64 record_size)
{
	__u64 size = bpf_ringbuf_query(ring, BPF_RB_RING_SIZE);
	__u64 eighth = size / 8;

	if (eighth == 0 || used + record_size >= size / 2)
		return BPF_RB_FORCE_WAKEUP;
	return (used + record_size) / eighth > used / eighth ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP;
}

static __always_inline void emit(void *ring, void *record, __u64 size, __u32 kind, __u64 session_key)
{
	__u64 used = bpf_ringbuf_query(ring, BPF_RB_AVAIL_DATA);

	if (bpf_ringbuf_output(ring, record, size, wakeup_flags_for(ring, used, size)))
		count_lost(kind, session_key);
}

/* ---- lineage --------------------------------------------------------------------------------- */

SEC("tp_btf/cgroup_attach_task")
int BPF_PROG(on_cgroup_attach_task, struct cgroup *dst_cgrp, const char *path, struct task_struct *task,
	     bool threadgroup)
{
	struct session_info *s, info;
	__u64 cgroup_id;
	__u32 tgid;

	/* cgroup v1 hierarchies number their cgroups independently: only the v2 (default) hierarchy,
	 * whose hierarchy_id is 0, has the ids that session_cgroups holds. */
	if (BPF_CORE_READ(dst_cgrp, root, hierarchy_id) != 0)
		return 0;
	cgroup_id = BPF_CORE_READ(dst_cgrp, kn, id);
	s = bpf_map_lookup_elem(&session_cgroups, &cgroup_id);
	if (!s)
		return 0;
	/* Moving into another session's cgroup moves the process to that session. Moving into any
	 * other cgroup changes nothing: the process stays tracked (lineage attribution). */
	info = *s;
	tgid = BPF_CORE_READ(task, tgid);
	if (bpf_map_update_elem(&tracked, &tgid, &info, BPF_ANY))
		count_lost(LOST_LINEAGE, info.session_key);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_sched_process_fork, struct task_struct *parent, struct task_struct *child)
{
	__u32 parent_tgid = BPF_CORE_READ(parent, tgid);
	__u32 child_tgid = BPF_CORE_READ(child, tgid);
	struct session_info *s, info;

	if (parent_tgid == child_tgid) /* a new thread: its process is already tracked or not */
		return 0;
	s = bpf_map_lookup_elem(&tracked, &parent_tgid);
	if (!s)
		return 0;
	info = *s;
	if (bpf_map_update_elem(&tracked, &child_tgid, &info, BPF_ANY))
		count_lost(LOST_LINEAGE, info.session_key);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_sched_process_exit, struct task_struct *p)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;

	if (!bpf_map_lookup_elem(&tracked, &tgid))
		return 0;
	/* A thread that dies inside open or execve never reaches its sys_exit. */
	bpf_map_delete_elem(&pending_exec, &pid_tgid);
	bpf_map_delete_elem(&pending_open, &pid_tgid);
	/* do_exit decrements signal->live before this tracepoint, so 0 means the last thread of the
	 * group is exiting. (The group_dead argument only exists on recent kernels.) */
	if (BPF_CORE_READ(p, signal, live.counter) == 0)
		bpf_map_delete_elem(&tracked, &tgid);
	return 0;
}

/* ---- exec ------------------------------------------------------------------------------------ */

/* How many leading strings of a script's argument block may belong to its interpreters (each
 * level of #! adds the interpreter and maybe one argument). */
#define MAX_INTERPRETER_STRINGS 4
/* Bytes compared at each end of two equally long paths. */
#define PATH_COMPARE_BYTES 32

/* Whether the NUL-terminated string in a (n bytes with its NUL) is the path p (len bytes): same
 * length, same first and last PATH_COMPARE_BYTES bytes (all of it for paths up to 64 bytes). */
static __always_inline bool same_path(const char *a, long n, const char *p, __u32 len)
{
	int i;

	if (len == 0 || n != (long)len + 1)
		return false;
#pragma clang loop unroll(disable)
	for (i = 0; i < PATH_COMPARE_BYTES; i++) {
		__u32 last = (len - 1 - i) & (RECORD_PATH_MAX - 1);

		if (i >= len)
			break;
		if (a[i] != p[i] || a[last] != p[last])
			return false;
	}
	return true;
}

/* After a #! script (or binfmt_misc) exec the argument block is the interpreter's:
 * "interpreter [arg] script argv[1]...", argv[0] as the caller gave it being gone. Returns where
 * the script's own part starts ("script argv[1]..."), found by looking for its path among the
 * first strings; arg_start when it is not found, so that nothing is ever cut wrongly. */
static __always_inline __u64 script_args_start(struct scratch_buf *b, __u32 path_len, __u64 arg_start,
						__u64 arg_end)
{
	__u64 cur = arg_start;
	long n;
	int i;

#pragma clang loop unroll(disable)
	for (i = 0; i < MAX_INTERPRETER_STRINGS; i++) {
		n = bpf_probe_read_user_str(b->tmp, sizeof(b->tmp), (const void *)cur);
		if (n <= 0)
			break;
		if (same_path(b->tmp, n, b->data, path_len))
			return cur;
		cur += n;
		if (cur >= arg_end)
			break;
	}
	return arg_start;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_sched_process_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 tgid = pid_tgid >> 32;
	__u64 old_pid_tgid = ((__u64)tgid << 32) | (__u32)old_pid;
	struct session_info *s;
	struct scratch_buf *b;
	struct exec_record *r;
	struct mm_struct *mm;
	const char *filename;
	__u64 arg_start, arg_end, args_len = 0;
	__u32 path_len, flags = 0;

	s = bpf_map_lookup_elem(&tracked, &tgid);
	if (!s)
		return 0;
	/* The exec succeeded: sys_exit_execve has nothing to report. A thread other than the leader
	 * that executes takes the leader's pid, so its entry is under its old pid. */
	bpf_map_delete_elem(&pending_exec, &pid_tgid);
	bpf_map_delete_elem(&pending_exec, &old_pid_tgid);
	if (!(s->kinds & KIND_BIT(RECORD_EXEC)))
		return 0;
	b = scratch_get();
	if (!b)
		return 0;
	r = &b->rec;
	fill_header(&r->h, RECORD_EXEC, s);
	r->return_code = 0;

	filename = BPF_CORE_READ(bprm, filename);
	path_len = read_path(b->data, filename, false, &flags);

	/* The new program's argument block, in its own (now current) mm. */
	mm = BPF_CORE_READ(p, mm);
	arg_start = BPF_CORE_READ(mm, arg_start);
	arg_end = BPF_CORE_READ(mm, arg_end);
	/* bprm->interp starts as bprm->filename; an interpreter (#!, binfmt_misc) changes it. */
	if (BPF_CORE_READ(bprm, interp) != filename && arg_end > arg_start)
		arg_start = script_args_start(b, path_len, arg_start, arg_end);
	if (arg_end > arg_start) {
		args_len = arg_end - arg_start;
		if (args_len > RECORD_ARGS_MAX) {
			args_len = RECORD_ARGS_MAX;
			flags |= RECORD_F_ARGS_TRUNCATED;
		}
		if (bpf_probe_read_user(b->data + path_len, args_len, (const void *)arg_start)) {
			args_len = 0;
			flags |= RECORD_F_ARGS_UNREADABLE;
		}
	}

	r->flags = flags;
	r->path_len = path_len;
	r->args_len = args_len;
	r->h.size = sizeof(*r) + path_len + args_len;
	emit(&command_events, r, sizeof(*r) + path_len + args_len, RECORD_EXEC, r->h.session_key);
	return 0;
}

static __always_inline int exec_enter(const char *filename, const char *const *argv)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct session_info *s = session_for(pid_tgid >> 32, RECORD_EXEC);
	struct pending_exec pe = {
		.filename = (__u64)filename,
		.argv = (__u64)argv,
	};

	if (!s)
		return 0;
	/* Counted as lost although only a failed exec would have needed it: better over than under. */
	if (bpf_map_update_elem(&pending_exec, &pid_tgid, &pe, BPF_ANY))
		count_lost(RECORD_EXEC, s->session_key);
	return 0;
}

/* Copies argv (user memory, still valid because the exec failed) to args as NUL-terminated
 * strings; returns the bytes used, at most RECORD_ARGS_MAX, and adds RECORD_F_ARGS_* to *flags. */
static __always_inline __u32 read_argv(char *args, const char *const *argv, __u32 *flags)
{
	/* 64-bit, so that the compiler tests the very register it adds to: the verifier does not
	 * carry a bound from a zero-extended copy back to the original. */
	__u64 off = 0;
	const char *arg;
	long n;
	int i;

#pragma clang loop unroll(disable)
	for (i = 0; i < FAILED_EXEC_MAX_ARGS; i++) {
		arg = NULL;
		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i]))
			goto unreadable;
		if (!arg)
			return off;
		if (off >= RECORD_ARGS_MAX) {
			*flags |= RECORD_F_ARGS_TRUNCATED;
			return RECORD_ARGS_MAX;
		}
		/* off < RECORD_ARGS_MAX; the mask tells the verifier. The read may run past
		 * RECORD_ARGS_MAX into the scratch buffer's spare room; that part is cut below. */
		n = bpf_probe_read_user_str(args + (off & (RECORD_ARGS_MAX - 1)), RECORD_ARGS_MAX, arg);
		if (n <= 0)
			goto unreadable;
		off += n;
		if (off > RECORD_ARGS_MAX) {
			*flags |= RECORD_F_ARGS_TRUNCATED;
			return RECORD_ARGS_MAX;
		}
	}
	/* FAILED_EXEC_MAX_ARGS read: were there more? */
	arg = NULL;
	if (bpf_probe_read_user(&arg, sizeof(arg), &argv[FAILED_EXEC_MAX_ARGS]) || arg)
		*flags |= RECORD_F_ARGS_TRUNCATED;
	return off;

unreadable:
	*flags |= RECORD_F_ARGS_UNREADABLE;
	return 0;
}

static __always_inline int exec_exit(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct pending_exec *pending, pe;
	struct session_info *s;
	struct scratch_buf *b;
	struct exec_record *r;
	__u32 path_len, args_len, flags = 0;

	pending = bpf_map_lookup_elem(&pending_exec, &pid_tgid);
	if (!pending)
		return 0;
	pe = *pending;
	bpf_map_delete_elem(&pending_exec, &pid_tgid);
	if (ret >= 0) /* sched_process_exec reported it */
		return 0;
	s = session_for(pid_tgid >> 32, RECORD_EXEC);
	if (!s)
		return 0;
	b = scratch_get();
	if (!b)
		return 0;
	r = &b->rec;
	fill_header(&r->h, RECORD_EXEC, s);
	r->return_code = ret;
	path_len = read_path(b->data, (const char *)pe.filename, true, &flags);
	args_len = read_argv(b->data + path_len, (const char *const *)pe.argv, &flags);
	r->flags = flags;
	r->path_len = path_len;
	r->args_len = args_len;
	r->h.size = sizeof(*r) + path_len + args_len;
	emit(&command_events, r, sizeof(*r) + path_len + args_len, RECORD_EXEC, r->h.session_key);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int on_sys_enter_execve(struct syscall_enter_ctx *ctx)
{
	return exec_enter((const char *)ctx->args[0], (const char *const *)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int on_sys_exit_execve(struct syscall_exit_ctx *ctx)
{
	return exec_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int on_sys_enter_execveat(struct syscall_enter_ctx *ctx)
{
	/* (dirfd, filename, argv, envp, flags): the path is recorded as given. */
	return exec_enter((const char *)ctx->args[1], (const char *const *)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int on_sys_exit_execveat(struct syscall_exit_ctx *ctx)
{
	return exec_exit(ctx->ret);
}

/* ---- open ------------------------------------------------------------------------------------ */

static __always_inline int open_enter(__u64 filename, __s32 flags, __u64 how)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct session_info *s = session_for(pid_tgid >> 32, RECORD_OPEN);
	struct pending_open po = {
		.filename = filename,
		.how = how,
		.flags = flags,
	};

	if (!s)
		return 0;
	if (bpf_map_update_elem(&pending_open, &pid_tgid, &po, BPF_ANY))
		count_lost(RECORD_OPEN, s->session_key);
	return 0;
}

static __always_inline int open_exit(long ret)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct pending_open *pending, po;
	struct session_info *s;
	struct scratch_buf *b;
	struct open_record *r;
	__u32 path_len, record_flags = 0;

	pending = bpf_map_lookup_elem(&pending_open, &pid_tgid);
	if (!pending)
		return 0;
	po = *pending;
	bpf_map_delete_elem(&pending_open, &pid_tgid);
	s = session_for(pid_tgid >> 32, RECORD_OPEN);
	if (!s)
		return 0;
	if (po.how) {
		/* openat2: the kernel has copied struct open_how by now, so its page is present. */
		__u64 how_flags = 0;

		bpf_probe_read_user(&how_flags, sizeof(how_flags),
				    (const void *)(po.how + __builtin_offsetof(struct open_how, flags)));
		po.flags = (__s32)how_flags;
	}
	b = scratch_get();
	if (!b)
		return 0;
	r = (struct open_record *)&b->rec;
	fill_header(&r->h, RECORD_OPEN, s);
	r->return_code = ret;
	r->flags = po.flags;
	/* Read at exit rather than at entry: the kernel has just faulted the string in. */
	path_len = read_path(b->data, (const char *)po.filename, true, &record_flags);
	r->path_len = path_len;
	r->record_flags = record_flags;
	r->h.size = sizeof(*r) + path_len;
	emit(&disk_events, r, sizeof(*r) + path_len, RECORD_OPEN, r->h.session_key);
	return 0;
}

/* sys_enter_open and sys_enter_creat do not exist on every architecture (arm64 has neither):
 * the addon does not load a tracepoint program whose event this kernel lacks. */
SEC("tracepoint/syscalls/sys_enter_open")
int on_sys_enter_open(struct syscall_enter_ctx *ctx)
{
	/* (filename, flags, mode) */
	return open_enter(ctx->args[0], (__s32)ctx->args[1], 0);
}

SEC("tracepoint/syscalls/sys_exit_open")
int on_sys_exit_open(struct syscall_exit_ctx *ctx)
{
	return open_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int on_sys_enter_openat(struct syscall_enter_ctx *ctx)
{
	/* (dfd, filename, flags, mode) */
	return open_enter(ctx->args[1], (__s32)ctx->args[2], 0);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int on_sys_exit_openat(struct syscall_exit_ctx *ctx)
{
	return open_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int on_sys_enter_openat2(struct syscall_enter_ctx *ctx)
{
	/* (dfd, filename, how, usize): flags are read from *how at exit. */
	return open_enter(ctx->args[1], 0, ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int on_sys_exit_openat2(struct syscall_exit_ctx *ctx)
{
	return open_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_creat")
int on_sys_enter_creat(struct syscall_enter_ctx *ctx)
{
	/* (pathname, mode) */
	return open_enter(ctx->args[0], O_CREAT | O_WRONLY | O_TRUNC, 0);
}

SEC("tracepoint/syscalls/sys_exit_creat")
int on_sys_exit_creat(struct syscall_exit_ctx *ctx)
{
	return open_exit(ctx->ret);
}

/* ---- network --------------------------------------------------------------------------------- */

SEC("tracepoint/sock/inet_sock_set_state")
int on_inet_sock_set_state(struct trace_event_raw_inet_sock_set_state *ctx)
{
	struct connect_record *r;
	struct session_info *s;
	__u16 family;

	/* Most transitions happen in softirq context, in whatever task runs: test the state first,
	 * the TCP_SYN_SENT transition is made by connect() in the connecting task. */
	if (ctx->newstate != TCP_SYN_SENT || ctx->protocol != IPPROTO_TCP)
		return 0;
	s = session_for(bpf_get_current_pid_tgid() >> 32, RECORD_CONNECT);
	if (!s)
		return 0;
	family = ctx->family;
	if (family != AF_INET && family != AF_INET6)
		return 0;
	r = bpf_ringbuf_reserve(&network_events, sizeof(*r), 0);
	if (!r) {
		count_lost(RECORD_CONNECT, s->session_key);
		return 0;
	}
	fill_header(&r->h, RECORD_CONNECT, s);
	r->h.size = sizeof(*r);
	r->family = family;
	r->dport = ctx->dport;
	r->sport = ctx->sport;
	r->pad = 0;
	__builtin_memset(r->saddr, 0, sizeof(r->saddr));
	__builtin_memset(r->daddr, 0, sizeof(r->daddr));
	/* The address arrays' offsets are CO-RE relocated, and the verifier refuses loads through a
	 * ctx pointer moved by a relocated offset, so copy them with bpf_core_read. */
	if (family == AF_INET) {
		bpf_core_read(r->saddr, 4, &ctx->saddr);
		bpf_core_read(r->daddr, 4, &ctx->daddr);
	} else {
		bpf_core_read(r->saddr, 16, &ctx->saddr_v6);
		bpf_core_read(r->daddr, 16, &ctx->daddr_v6);
	}
	/* The reserved record already counts in the ring's data. */
	__u64 used = bpf_ringbuf_query(&network_events, BPF_RB_AVAIL_DATA);
	__u64 own = sizeof(*r);

	bpf_ringbuf_submit(r, wakeup_flags_for(&network_events, used > own ? used - own : 0, own));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
