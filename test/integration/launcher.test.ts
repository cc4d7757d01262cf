import assert from "node:assert/strict";
import { execFileSync, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { chmodSync, chownSync, existsSync, mkdtempSync, rmdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { findCgroup2Mount, SessionCgroups, type SessionCgroup } from "../../src/cgroup/index.js";
import {
  LAUNCHER_EXIT,
  launcherArgs,
  launcherPath,
  type LauncherOptions,
} from "../../src/launcher/index.js";
import { spawnPty } from "../../src/node/pty.js";
import { repoRoot } from "../../src/paths.js";
import { tempDir } from "../helpers/tmp.js";

const isRoot = process.getuid?.() === 0;
const needsRoot = isRoot
  ? false
  : "needs root: the launcher joins cgroups and switches users, which only root may do";

// nobody/nogroup exist on every Debian-like system: no need to touch /etc/passwd.
const NOBODY = 65534;
const NOGROUP = 65534;

let cgroups: SessionCgroups | undefined;
let cgroupMount = "";
let rootPath = "";

before(() => {
  execFileSync("bash", [join(repoRoot(), "scripts", "build-native")], { stdio: "pipe" });
  if (!isRoot) return;
  const mount = findCgroup2Mount();
  assert.ok(mount !== undefined, "this host has no cgroup2 mount");
  cgroupMount = mount;
  rootPath = `/teleport-test-${randomBytes(4).toString("hex")}`;
  cgroups = SessionCgroups.open({ cgroupPath: mount, rootPath, instanceId: randomUUID() });
});

after(() => {
  cgroups?.close();
  if (rootPath !== "" && existsSync(join(cgroupMount, rootPath))) {
    rmdirSync(join(cgroupMount, rootPath));
  }
});

/** A fresh session cgroup, removed when the test ends. */
function newSession(t: { after: (fn: () => void) => void }): SessionCgroup {
  assert.ok(cgroups !== undefined);
  const sid = randomUUID();
  const session = cgroups.create(sid);
  t.after(() => cgroups?.remove(sid));
  return session;
}

function launch(
  options: LauncherOptions,
  env: NodeJS.ProcessEnv = process.env,
): SpawnSyncReturns<string> {
  return runLauncher(launcherArgs(options), env);
}

function runLauncher(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
): SpawnSyncReturns<string> {
  const result = spawnSync(launcherPath(), argv, { encoding: "utf8", timeout: 10_000, env });
  assert.equal(result.error, undefined);
  return result;
}

/** The one stderr line of a launcher failure. */
function errorLine(result: SpawnSyncReturns<string>): string {
  const lines = result.stderr.split("\n").filter((line) => line !== "");
  assert.equal(lines.length, 1, `want one error line, got: ${result.stderr}`);
  const line = lines[0] ?? "";
  assert.ok(line.startsWith("teleport-launcher: "), line);
  return line;
}

test("the launcher is built and launcherPath finds it", () => {
  assert.equal(launcherPath(), join(repoRoot(), "build", "launcher", "teleport-launcher"));
  assert.ok(existsSync(launcherPath()));
});

test("launcherArgs builds the argv from typed options", () => {
  assert.deepEqual(
    launcherArgs({
      cgroupProcs: "/cg/cgroup.procs",
      credentials: { uid: 1000, gid: 100, groups: [27, 100] },
      cwd: "/home/alice",
      envClear: true,
      setsid: true,
      program: "bash",
      args: ["-c", "echo $HOME"],
    }),
    [
      "--cgroup-procs",
      "/cg/cgroup.procs",
      "--uid",
      "1000",
      "--gid",
      "100",
      "--groups",
      "27,100",
      "--cwd",
      "/home/alice",
      "--env-clear",
      "--setsid",
      "--",
      "bash",
      "-c",
      "echo $HOME",
    ],
  );
  assert.deepEqual(
    launcherArgs({ cgroupProcs: "/p", credentials: { uid: 0, gid: 0 }, program: "sh" }),
    ["--cgroup-procs", "/p", "--uid", "0", "--gid", "0", "--groups", "", "--", "sh"],
  );
  assert.throws(
    () => launcherArgs({ cgroupProcs: "/p", credentials: { uid: -1, gid: 0 }, program: "sh" }),
    /launcher uid must be an integer from 0 to 4294967294, got -1/,
  );
  assert.throws(
    () =>
      launcherArgs({
        cgroupProcs: "/p",
        credentials: { uid: 1, gid: 1, groups: [1.5] },
        program: "sh",
      }),
    /launcher group id must be an integer/,
  );
  assert.throws(() => launcherArgs({ cgroupProcs: "/p", program: "" }), /needs a program/);
});

test(
  "runs the program as the given user, in the session cgroup and folder",
  { skip: needsRoot },
  (t) => {
    const session = newSession(t);
    const cwd = tempDir("launcher cwd ");
    chmodSync(cwd, 0o755); // nobody must be able to enter it
    const result = launch({
      cgroupProcs: session.procsPath,
      credentials: { uid: NOBODY, gid: NOGROUP, groups: [NOGROUP, 4242] },
      cwd,
      program: "sh",
      args: [
        "-c",
        "id -u; id -g; id -G; pwd; grep '^0::' /proc/self/cgroup; grep ^Uid: /proc/self/status",
      ],
    });
    assert.equal(result.stderr, "");
    assert.equal(result.status, 0);
    const [uid, gid, groups, pwd, cgroup, uidLine] = result.stdout.split("\n");
    assert.equal(uid, String(NOBODY));
    assert.equal(gid, String(NOGROUP));
    assert.deepEqual(groups?.split(" ").sort(), [String(NOGROUP), "4242"].sort());
    assert.equal(pwd, cwd);
    assert.equal(cgroup, `0::${session.dir.slice(cgroupMount.length)}`);
    // real, effective, saved and file-system uids all switched
    assert.match(
      uidLine ?? "",
      new RegExp(`^Uid:\\t${NOBODY}\\t${NOBODY}\\t${NOBODY}\\t${NOBODY}$`),
    );
  },
);

test("without --groups the supplementary groups are dropped", { skip: needsRoot }, (t) => {
  const session = newSession(t);
  const result = launch({
    cgroupProcs: session.procsPath,
    credentials: { uid: NOBODY, gid: NOGROUP },
    program: "id",
    args: ["-G"],
  });
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, `${NOGROUP}\n`);
});

test("arguments pass through literally, never through a shell", { skip: needsRoot }, (t) => {
  const session = newSession(t);
  const args = [
    "%s\\n",
    "two words",
    '"double"',
    "'single'",
    "$(id -u)",
    "`id -u`",
    ";",
    "a; echo injected",
    "*",
    "$HOME",
    "back\\slash",
    "",
    "new\nline",
  ];
  for (const program of ["printf", "/usr/bin/printf"]) {
    const result = launch({ cgroupProcs: session.procsPath, program, args });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(
      result.stdout,
      args
        .slice(1)
        .map((arg) => `${arg}\n`)
        .join(""),
    );
  }
});

test("a missing program exits 127 with one clear line", { skip: needsRoot }, (t) => {
  const session = newSession(t);
  const env = { PATH: "/usr/bin:/bin" };
  const inPath = launch({ cgroupProcs: session.procsPath, program: "no-such-program-xyz" }, env);
  assert.equal(inPath.status, LAUNCHER_EXIT.notFound);
  assert.equal(
    errorLine(inPath),
    "teleport-launcher: no-such-program-xyz: command not found in PATH=/usr/bin:/bin",
  );
  const byPath = launch({ cgroupProcs: session.procsPath, program: "/nonexistent/prog" });
  assert.equal(byPath.status, LAUNCHER_EXIT.notFound);
  assert.equal(errorLine(byPath), "teleport-launcher: /nonexistent/prog: no such file");
});

test("a program that cannot be executed exits 126", { skip: needsRoot }, (t) => {
  const session = newSession(t);
  const script = join(tempDir(), "not-executable");
  writeFileSync(script, "#!/bin/sh\necho ran\n", { mode: 0o644 });
  const result = launch({
    cgroupProcs: session.procsPath,
    credentials: { uid: NOBODY, gid: NOGROUP },
    program: script,
  });
  assert.equal(result.status, LAUNCHER_EXIT.notExecutable);
  assert.equal(errorLine(result), `teleport-launcher: cannot execute ${script}: Permission denied`);

  // The file exists but its interpreter does not: not "not found", as a shell would say too.
  const badInterpreter = join(tempDir(), "bad-interpreter");
  writeFileSync(badInterpreter, "#!/nonexistent/sh\n", { mode: 0o755 });
  const bad = launch({ cgroupProcs: session.procsPath, program: badInterpreter });
  assert.equal(bad.status, LAUNCHER_EXIT.notExecutable);
  assert.equal(
    errorLine(bad),
    `teleport-launcher: cannot execute ${badInterpreter}: bad interpreter in its #! line: ` +
      "No such file or directory",
  );
  const dir = join(badInterpreter, "..");
  const inPath = launch(
    { cgroupProcs: session.procsPath, program: "bad-interpreter" },
    { PATH: `/nonexistent::${dir}` },
  );
  assert.equal(inPath.status, LAUNCHER_EXIT.notExecutable, inPath.stderr);
});

test("a cgroup that cannot be joined exits 65 before running anything", { skip: needsRoot }, () => {
  const marker = join(tempDir(), "ran");
  const procs = "/nonexistent/cgroup.procs";
  const result = launch({ cgroupProcs: procs, program: "touch", args: [marker] });
  assert.equal(result.status, LAUNCHER_EXIT.cgroup);
  assert.equal(
    errorLine(result),
    `teleport-launcher: cannot open ${procs} to join the session cgroup: No such file or directory`,
  );
  assert.equal(existsSync(marker), false);

  // Root may write any file: a path that is not a cgroup file must fail, not run unrecorded.
  const notProcs = join(tempDir(), "cgroup.procs");
  writeFileSync(notProcs, "");
  const plainFile = launch({ cgroupProcs: notProcs, program: "touch", args: [marker] });
  assert.equal(plainFile.status, LAUNCHER_EXIT.cgroup, plainFile.stderr);
  assert.equal(
    errorLine(plainFile),
    `teleport-launcher: ${notProcs} is not a cgroup.procs file of a cgroup v2 file system`,
  );
  assert.equal(existsSync(marker), false);
});

test("usage errors exit 64 with one line", () => {
  const cases: [string[], RegExp][] = [
    [[], /--cgroup-procs PATH is required \(usage: teleport-launcher /],
    [["--cgroup-procs", "/p", "true"], /unknown option 'true'/],
    [["--cgroup-procs", "/p", "--"], /missing '-- PROGRAM \[ARGS\.\.\.\]'/],
    [["--cgroup-procs", "/p", "--", ""], /missing '-- PROGRAM/],
    [["--cgroup-procs"], /--cgroup-procs needs a value/],
    [["--cgroup-procs", "/p", "--uid", "1", "--", "true"], /--uid and --gid go together/],
    [
      ["--cgroup-procs", "/p", "--uid", "x", "--gid", "1", "--", "true"],
      /--uid: 'x' is not a user id/,
    ],
    [
      ["--cgroup-procs", "/p", "--uid", "4294967295", "--gid", "1", "--", "true"],
      /--uid: '4294967295'/,
    ],
    [
      ["--cgroup-procs", "/p", "--uid", "1", "--gid", "1", "--groups", "1,,2", "--", "true"],
      /--groups: '' is not/,
    ],
    [["--cgroup-procs", "/p", "--groups", "1", "--", "true"], /--groups needs --uid and --gid/],
    [["--cgroup-procs", "/p", "--tty-env", "A=B", "--", "true"], /--tty-env: 'A=B' is not/],
  ];
  for (const [argv, message] of cases) {
    const result = runLauncher(argv);
    assert.equal(result.status, LAUNCHER_EXIT.usage, `${argv.join(" ")}: ${result.stderr}`);
    assert.match(errorLine(result), message);
  }
});

test(
  "--tty-env names the terminal on stdin, and only a terminal",
  { skip: needsRoot },
  async (t) => {
    const session = newSession(t);
    const args = launcherArgs({
      cgroupProcs: session.procsPath,
      ttyEnv: "SSH_TTY",
      program: "/bin/sh",
      args: ["-c", 'echo "var=$SSH_TTY"; tty'],
    });
    const pty = spawnPty(launcherPath(), args, {
      term: "xterm",
      cols: 80,
      rows: 24,
      cwd: "/",
      env: { PATH: "/usr/bin:/bin" },
    });
    const chunks: Buffer[] = [];
    pty.onData((bytes) => chunks.push(bytes));
    assert.equal((await pty.exited).exitCode, 0);
    const [variable, tty] = Buffer.concat(chunks).toString().split("\r\n");
    assert.match(tty ?? "", /^\/dev\/pts\/\d+$/);
    assert.equal(variable, `var=${tty}`);

    // Pipes: no terminal, no variable (as sshd without a pty).
    const piped = launch(
      {
        cgroupProcs: session.procsPath,
        ttyEnv: "SSH_TTY",
        program: "/bin/sh",
        args: ["-c", 'echo "var=${SSH_TTY-unset}"'],
      },
      { PATH: "/usr/bin:/bin" },
    );
    assert.equal(piped.stdout, "var=unset\n", piped.stderr);
  },
);

test("a failed chdir warns like OpenSSH and starts in /", { skip: needsRoot }, (t) => {
  const session = newSession(t);
  const missing = launch({
    cgroupProcs: session.procsPath,
    cwd: "/nonexistent-home",
    program: "pwd",
  });
  assert.equal(missing.status, 0);
  assert.equal(
    missing.stderr,
    "Could not chdir to home directory /nonexistent-home: No such file or directory\n",
  );
  assert.equal(missing.stdout, "/\n");

  const privateDir = tempDir(); // 0700 root: nobody may not enter
  const denied = launch({
    cgroupProcs: session.procsPath,
    credentials: { uid: NOBODY, gid: NOGROUP },
    cwd: privateDir,
    program: "pwd",
  });
  assert.equal(denied.status, 0);
  assert.equal(
    denied.stderr,
    `Could not chdir to home directory ${privateDir}: Permission denied\n`,
  );
  assert.equal(denied.stdout, "/\n");
});

test(
  "--setsid makes the program a session leader; without it, it is not",
  { skip: needsRoot },
  (t) => {
    const session = newSession(t);
    // $$ is the launcher's pid (it exec'd sh); field 6 of stat is the session id.
    const script = `echo $$; cut -d' ' -f6 /proc/$$/stat`;
    const leader = launch({
      cgroupProcs: session.procsPath,
      setsid: true,
      program: "sh",
      args: ["-c", script],
    });
    const [pid, sid] = leader.stdout.split("\n");
    assert.equal(leader.status, 0, leader.stderr);
    assert.equal(sid, pid);
    const plain = launch({ cgroupProcs: session.procsPath, program: "sh", args: ["-c", script] });
    const [plainPid, plainSid] = plain.stdout.split("\n");
    assert.notEqual(plainSid, plainPid);
  },
);

test(
  "the environment is inherited as given, or emptied with --env-clear",
  { skip: needsRoot },
  (t) => {
    const session = newSession(t);
    const env = { PATH: "/usr/bin:/bin", TELEPORT_TEST: "a b $(c)" };
    const inherited = launch({ cgroupProcs: session.procsPath, program: "env" }, env);
    assert.equal(inherited.status, 0, inherited.stderr);
    assert.deepEqual(inherited.stdout.split("\n").filter(Boolean).sort(), [
      "PATH=/usr/bin:/bin",
      "TELEPORT_TEST=a b $(c)",
    ]);
    const cleared = launch({ cgroupProcs: session.procsPath, envClear: true, program: "env" }, env);
    assert.equal(cleared.status, 0, cleared.stderr);
    assert.equal(cleared.stdout, "");
  },
);

test("a credential switch that the kernel refuses exits 66", { skip: needsRoot }, (t) => {
  // Start the launcher as nobody inside the session cgroup (whose cgroup.procs nobody may write),
  // so it gets past the cgroup step and then fails to switch to root.
  const session = newSession(t);
  chownSync(session.procsPath, NOBODY, NOGROUP);
  const marker = join(mkdtempSync(join(tmpdir(), "launcher-")), "ran");
  t.after(() => rmdirSync(join(marker, "..")));
  const result = spawnSync(
    "sh",
    [
      "-c",
      'echo $$ > "$1" && exec setpriv --reuid 65534 --regid 65534 --clear-groups "$2" --cgroup-procs "$1" --uid 0 --gid 0 -- touch "$3"',
      "sh",
      session.procsPath,
      launcherPath(),
      marker,
    ],
    { encoding: "utf8", timeout: 10_000 },
  );
  assert.equal(result.status, LAUNCHER_EXIT.credentials, result.stderr);
  assert.equal(
    errorLine(result),
    "teleport-launcher: setgroups for uid 0 failed: Operation not permitted",
  );
  assert.equal(existsSync(marker), false);
});
