import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import {
  findCgroup2Mount,
  readMountinfo,
  cgroup2MountPoints,
  SessionCgroups,
  unmountFilesystem,
} from "../../src/cgroup/index.js";
import { tempDir } from "../helpers/tmp.js";
import { waitUntil } from "../helpers/wait.js";

const isRoot = process.getuid?.() === 0;
const needsRoot = isRoot ? false : "needs root: creates cgroups and mounts cgroup2";
const hostMount = findCgroup2Mount();

/** Cleanup steps run last-in first-out in one hook, so the order (kill, close, rmdir) holds. */
function cleanups(t: TestContext): (step: () => void) => void {
  const steps: (() => void)[] = [];
  t.after(() => {
    const errors: unknown[] = [];
    for (const step of steps.reverse()) {
      try {
        step();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, "cleanup failed");
  });
  return (step) => steps.push(step);
}

/** A root_path of its own, removed (once emptied) after the test. */
function testRootPath(defer: (step: () => void) => void, mount: string): string {
  const rootPath = `/teleport-test-${randomBytes(4).toString("hex")}`;
  defer(() => {
    if (existsSync(join(mount, rootPath))) rmdirSync(join(mount, rootPath));
  });
  return rootPath;
}

const pauseCell = new Int32Array(new SharedArrayBuffer(4));

/**
 * SIGKILLs `pid` and waits (synchronously, for use in cleanup steps) until it is a zombie or
 * gone: only then has it left its cgroup, so the cgroup can be removed.
 */
function killAndWait(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    return; // already gone
  }
  for (let i = 0; i < 1000; i++) {
    let state: string | undefined;
    try {
      state = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
    } catch {
      return;
    }
    if (state === "Z" || state === "X") return;
    Atomics.wait(pauseCell, 0, 0, 5);
  }
  throw new Error(`pid ${pid} did not die after SIGKILL`);
}

/** `sleep 30` as its own process, killed by pid at cleanup. */
function startSleeper(defer: (step: () => void) => void): ChildProcess {
  const child = spawn("sleep", ["30"], { stdio: "ignore" });
  defer(() => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      killAndWait(child.pid);
    }
  });
  return child;
}

/** A process that prints a line every 20 ms and never forks. */
function startTicker(defer: (step: () => void) => void): {
  child: ChildProcess;
  ticks: () => number;
} {
  const child = spawn(process.execPath, ["-e", "setInterval(() => console.log('tick'), 20)"], {
    stdio: ["ignore", "pipe", "ignore"],
  });
  let ticks = 0;
  child.stdout?.on("data", (chunk: Buffer) => (ticks += chunk.toString().split("\n").length - 1));
  defer(() => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      killAndWait(child.pid);
    }
  });
  return { child, ticks: () => ticks };
}

function pidOf(child: ChildProcess): number {
  assert.ok(child.pid !== undefined, "process did not start");
  return child.pid;
}

/** The cgroup v2 path of a process, relative to the cgroup2 root ("0::/a/b" → "/a/b"). */
function cgroupOf(pid: number): string {
  const line = readFileSync(`/proc/${pid}/cgroup`, "utf8")
    .split("\n")
    .find((l) => l.startsWith("0::"));
  assert.ok(line !== undefined, `no cgroup v2 line for pid ${pid}`);
  return line.slice(3);
}

function joinCgroup(procsPath: string, pid: number): void {
  writeFileSync(procsPath, `${pid}\n`);
}

function requireHostMount(): string {
  assert.ok(hostMount !== undefined, "this host has no cgroup2 mount");
  return hostMount;
}

test(
  "a session cgroup holds processes, and remove moves them out and deletes it",
  { skip: needsRoot },
  async (t) => {
    const mount = requireHostMount();
    const defer = cleanups(t);
    const rootPath = testRootPath(defer, mount);
    const instanceId = randomUUID();
    const cgroups = SessionCgroups.open({ cgroupPath: mount, rootPath, instanceId });
    defer(() => cgroups.close());
    assert.equal(cgroups.instanceDir, join(mount, rootPath, instanceId));
    assert.equal(cgroups.mountedByUs, false);

    const sid = randomUUID();
    const session = cgroups.create(sid);
    assert.equal(session.dir, join(cgroups.instanceDir, sid));
    assert.equal(session.procsPath, join(session.dir, "cgroup.procs"));
    assert.equal(session.id, statSync(session.dir, { bigint: true }).ino);
    assert.throws(() => cgroups.create(sid), /session cgroup .* already exists/);

    const first = pidOf(startSleeper(defer));
    joinCgroup(session.procsPath, first);
    assert.deepEqual(cgroups.pids(sid), [first]);
    assert.equal(cgroupOf(first), `${rootPath}/${instanceId}/${sid}`);

    // A cgroup the session made for itself goes too. Its process prints ticks, so the test can
    // see that the freeze used during removal does not stick to moved processes.
    const nested = join(session.dir, "nested");
    mkdirSync(nested);
    const ticker = startTicker(defer);
    const second = pidOf(ticker.child);
    joinCgroup(join(nested, "cgroup.procs"), second);

    cgroups.remove(sid);
    assert.equal(existsSync(session.dir), false);
    assert.deepEqual(cgroups.pids(sid), []);
    for (const pid of [first, second]) {
      assert.ok(existsSync(`/proc/${pid}`), `pid ${pid} must keep running`);
      assert.equal(cgroupOf(pid), `${rootPath}/${instanceId}`);
    }
    const ticks = ticker.ticks();
    await waitUntil("the moved process to keep running", () =>
      ticker.ticks() > ticks + 2 ? true : undefined,
    );
    cgroups.remove(sid); // idempotent
  },
);

test(
  "close removes every session and the instance folder; leftovers move to root_path",
  { skip: needsRoot },
  (t) => {
    const mount = requireHostMount();
    const defer = cleanups(t);
    const rootPath = testRootPath(defer, mount);
    const cgroups = SessionCgroups.open({ cgroupPath: mount, rootPath, instanceId: randomUUID() });
    defer(() => cgroups.close());

    const busy = cgroups.create(randomUUID());
    cgroups.create(randomUUID());
    const sleeper = pidOf(startSleeper(defer));
    joinCgroup(busy.procsPath, sleeper);

    cgroups.close();
    assert.equal(existsSync(cgroups.instanceDir), false);
    assert.equal(cgroupOf(sleeper), rootPath);
    cgroups.close(); // idempotent
    assert.throws(() => cgroups.create(randomUUID()), /are closed/);
    // Leftovers must leave root_path before the cleanup can remove it.
    defer(() => joinCgroup(join(mount, "cgroup.procs"), sleeper));
  },
);

test("instances with different root_path never touch each other", { skip: needsRoot }, (t) => {
  const mount = requireHostMount();
  const defer = cleanups(t);
  const instanceId = randomUUID(); // the same id on purpose: only root_path separates them
  const a = SessionCgroups.open({
    cgroupPath: mount,
    rootPath: testRootPath(defer, mount),
    instanceId,
  });
  defer(() => a.close());
  const b = SessionCgroups.open({
    cgroupPath: mount,
    rootPath: testRootPath(defer, mount),
    instanceId,
  });
  defer(() => b.close());
  assert.notEqual(a.instanceDir, b.instanceDir);

  const sid = randomUUID();
  a.create(sid);
  const inB = b.create(sid);
  const sleeper = pidOf(startSleeper(defer));
  joinCgroup(inB.procsPath, sleeper);

  a.remove(sid);
  a.close();
  assert.ok(existsSync(inB.dir), "closing A removed B's session");
  assert.deepEqual(b.pids(sid), [sleeper]);
});

test(
  "open mounts cgroup2 on a missing folder and close({ unmount }) unmounts it",
  { skip: needsRoot },
  (t) => {
    const mount = requireHostMount();
    const defer = cleanups(t);
    const parent = mkdtempSync(join(tmpdir(), "teleport-cgroup-"));
    defer(() => rmdirSync(parent));
    const cgroupPath = join(parent, "cgroup2");
    defer(() => {
      if (existsSync(cgroupPath)) rmdirSync(cgroupPath);
    });
    const mounted = (): boolean => cgroup2MountPoints(readMountinfo()).includes(cgroupPath);
    defer(() => {
      if (mounted()) unmountFilesystem(cgroupPath);
    });
    // cgroup2 is one hierarchy wherever it is mounted: the host mount sees our folders too.
    const rootPath = testRootPath(defer, mount);

    const cgroups = SessionCgroups.open({ cgroupPath, rootPath, instanceId: randomUUID() });
    defer(() => cgroups.close({ unmount: true }));
    assert.equal(cgroups.mountedByUs, true);
    assert.equal(cgroups.mountPoint, cgroupPath);
    assert.ok(mounted(), "cgroup2 is not mounted at the new folder");

    // A second open sees the mount and leaves it to its owner.
    const again = SessionCgroups.open({ cgroupPath, rootPath, instanceId: randomUUID() });
    assert.equal(again.mountedByUs, false);
    again.close({ unmount: true });
    assert.ok(mounted(), "an instance that did not mount cgroup2 unmounted it");

    const sid = randomUUID();
    const session = cgroups.create(sid);
    const sleeper = pidOf(startSleeper(defer));
    joinCgroup(session.procsPath, sleeper);
    assert.deepEqual(cgroups.pids(sid), [sleeper]);
    cgroups.remove(sid);
    assert.equal(cgroupOf(sleeper), cgroups.instanceDir.slice(cgroupPath.length));
    // close() would move the sleeper to root_path; kill it first so nothing is left there.
    killAndWait(sleeper);

    cgroups.close({ unmount: true });
    assert.equal(mounted(), false);
    cgroups.close({ unmount: true }); // idempotent
  },
);

test("a non-empty folder that is not cgroup2 is refused with the fix", () => {
  const dir = tempDir();
  writeFileSync(join(dir, "something"), "");
  assert.throws(
    () => SessionCgroups.open({ cgroupPath: dir, rootPath: "/teleport", instanceId: "x" }),
    (error: Error) => {
      assert.equal(
        error.message,
        `cgroup_path ${dir} is not a cgroup2 mount and is not empty, so cgroup2 cannot be ` +
          `mounted there: set ssh_service.enhanced_recording.cgroup_path to the cgroup2 mount ` +
          `(${requireHostMount()} on this host)`,
      );
      return true;
    },
  );
  const file = join(dir, "something");
  assert.throws(
    () => SessionCgroups.open({ cgroupPath: file, rootPath: "/teleport", instanceId: "x" }),
    new RegExp(`cgroup_path ${file} is not a folder: set ssh_service`),
  );
  assert.deepEqual(
    cgroup2MountPoints(readMountinfo()).filter((point) => point.startsWith(dir)),
    [],
  );
});

test(
  "a cgroup_path under a fresh sysfs (as ip netns exec mounts it) is an error, not a hang",
  { skip: needsRoot },
  async () => {
    // A private mount namespace with a new sysfs on /sys, where /sys/fs/cgroup exists but takes
    // no folders: Node's recursive mkdir retried that forever.
    const script = [
      `import { ensureCgroup2Mount } from ${JSON.stringify(join(process.cwd(), "src/cgroup/index.js"))};`,
      "try { ensureCgroup2Mount('/sys/fs/cgroup/unified'); console.log('mounted'); }",
      "catch (error) { console.log(error.message); }",
    ].join("\n");
    const child = spawn(
      "unshare",
      [
        "--mount",
        "--net",
        "--propagation",
        "private",
        "sh",
        "-c",
        'mount -t sysfs sysfs /sys && exec "$0" --import tsx --input-type=module -e "$1"',
        process.execPath,
        script,
      ],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    clearTimeout(timer);
    assert.equal(code, 0, output);
    assert.match(
      output,
      /^cannot create cgroup_path \/sys\/fs\/cgroup\/unified: mkdir \/sys\/fs\/cgroup\/unified failed \(ENOENT\); .*mount -t cgroup2 none PATH/,
    );
  },
);

test("bad session ids, instance ids and root paths are refused", { skip: needsRoot }, (t) => {
  const mount = requireHostMount();
  const defer = cleanups(t);
  const rootPath = testRootPath(defer, mount);
  const cgroups = SessionCgroups.open({ cgroupPath: mount, rootPath, instanceId: randomUUID() });
  defer(() => cgroups.close());
  for (const sid of ["", ".", "..", "../x", "a/b", "cgroup.procs", "-x", "a b", "x".repeat(129)]) {
    assert.throws(() => cgroups.create(sid), /invalid session id .*: use up to 128 letters/, sid);
    assert.throws(() => cgroups.remove(sid), /invalid session id/, sid);
  }
  for (const bad of ["teleport", "/a/../b", "/.."]) {
    assert.throws(
      () => SessionCgroups.open({ cgroupPath: mount, rootPath: bad, instanceId: "x" }),
      /invalid enhanced_recording.root_path .*: use a path starting with "\/" without "\.\."/,
    );
  }
  assert.throws(
    () => SessionCgroups.open({ cgroupPath: mount, rootPath, instanceId: "../escape" }),
    /invalid instance id "..\/escape"/,
  );
});
