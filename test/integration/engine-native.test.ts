// The native engine on the real kernel, at the level of its raw records: session.bpf.o loaded
// and attached through the addon's Engine, real cgroups, real processes. Only the few record
// fields these tests need are decoded here (src/bpf/records.ts is the real decoder).
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmdirSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { after, before, test, type TestContext } from "node:test";
import { loadAddon, isLibbpfError, type NativeEngine } from "../../src/bpf/addon.js";
import { bpfObjectPath } from "../../src/bpf/index.js";
import { tempDir } from "../helpers/tmp.js";
import { waitUntil } from "../helpers/wait.js";

const isRoot = process.getuid?.() === 0;
const needsRoot = isRoot
  ? false
  : "needs root: BPF programs and cgroups need CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN";

const RECORD_EXEC = 1;
const RECORD_OPEN = 2;
const RECORD_CONNECT = 3;
const KIND_BIT = (kind: number): number => 1 << kind;
const ALL_KINDS = KIND_BIT(RECORD_EXEC) | KIND_BIT(RECORD_OPEN) | KIND_BIT(RECORD_CONNECT);
const PAGE = 4096;

interface RawRecord {
  kind: number;
  sessionKey: bigint;
  cgroupId: bigint;
  pid: number;
  ppid: number;
  comm: string;
  returnCode: number;
  /** exec and open: the path; connect: "". */
  path: string;
  /** exec: the argument block as it came (NUL-separated). */
  args: string;
  /** open: O_* flags. */
  openFlags: number;
  /** connect */
  family: number;
  dport: number;
  daddr: Buffer;
}

function cstring(bytes: Buffer): string {
  const nul = bytes.indexOf(0);
  return bytes.subarray(0, nul === -1 ? bytes.length : nul).toString();
}

/** Splits a batch by header.size and decodes the fields used here. */
function decodeBatch(batch: Buffer): RawRecord[] {
  const out: RawRecord[] = [];
  for (let off = 0; off < batch.length;) {
    const size = batch.readUInt32LE(off + 4);
    assert.ok(size >= 56 && off + size <= batch.length, `bad record size ${size} at ${off}`);
    const r = batch.subarray(off, off + size);
    const kind = r.readUInt32LE(0);
    const record: RawRecord = {
      kind,
      sessionKey: r.readBigUInt64LE(8),
      cgroupId: r.readBigUInt64LE(16),
      pid: r.readUInt32LE(32),
      ppid: r.readUInt32LE(36),
      comm: cstring(r.subarray(40, 56)),
      returnCode: 0,
      path: "",
      args: "",
      openFlags: 0,
      family: 0,
      dport: 0,
      daddr: Buffer.alloc(0),
    };
    if (kind === RECORD_EXEC) {
      record.returnCode = r.readInt32LE(56);
      const pathLen = r.readUInt32LE(64);
      const argsLen = r.readUInt32LE(68);
      assert.equal(size, 72 + pathLen + argsLen);
      record.path = r.subarray(72, 72 + pathLen).toString();
      record.args = r.subarray(72 + pathLen, 72 + pathLen + argsLen).toString();
    } else if (kind === RECORD_OPEN) {
      record.returnCode = r.readInt32LE(56);
      record.openFlags = r.readInt32LE(60);
      const pathLen = r.readUInt32LE(64);
      assert.equal(size, 72 + pathLen);
      record.path = r.subarray(72, 72 + pathLen).toString();
    } else if (kind === RECORD_CONNECT) {
      assert.equal(size, 96);
      record.family = r.readUInt16LE(56);
      record.dport = r.readUInt16LE(58);
      record.daddr = Buffer.from(r.subarray(80, 96));
    }
    out.push(record);
    off += size;
  }
  return out;
}

// libbpf finds tracepoint ids in tracefs; some minimal VMs boot without it mounted.
// Returns true when it mounted it (the caller unmounts it at the end).
function ensureTracefs(): boolean {
  if (existsSync("/sys/kernel/tracing/events") || existsSync("/sys/kernel/debug/tracing/events")) {
    return false;
  }
  execFileSync("mount", ["-t", "tracefs", "nodev", "/sys/kernel/tracing"]);
  return true;
}

function cgroup2Root(): string {
  for (const line of readFileSync("/proc/self/mounts", "utf8").split("\n")) {
    const [, dir, type] = line.split(" ");
    if (type === "cgroup2" && dir) return dir;
  }
  throw new Error("no cgroup v2 mount");
}

function u64(value: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(value);
  return b;
}

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value);
  return b;
}

function sessionInfo(key: bigint, kinds: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeBigUInt64LE(key, 0);
  b.writeUInt32LE(kinds, 8);
  return b;
}

/** An engine whose records are collected, plus the helpers the tests need around it. */
class Harness {
  readonly records: RawRecord[] = [];
  readonly engine: NativeEngine;

  constructor(ringBytes: Record<string, number> = {}, start = true) {
    const { Engine } = loadAddon();
    this.engine = new Engine(bpfObjectPath("session"), { ringBytes }, (batch) => {
      this.records.push(...decodeBatch(batch));
    });
    this.engine.attach();
    if (start) this.engine.start();
  }

  drain(): Promise<void> {
    return new Promise((resolve) => this.engine.drain(resolve));
  }

  of(sessionKey: bigint): RawRecord[] {
    return this.records.filter((r) => r.sessionKey === sessionKey);
  }

  /** Drains until `find` returns something (a record's arrival has no other signal), bounded. */
  async waitFor<T>(what: string, find: () => T | undefined, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.drain();
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    }
  }
}

interface Cgroup {
  dir: string;
  id: bigint;
  procs: string;
}

let nextKey = 1000n;

/** A fresh cgroup v2 folder registered as session `key` in the engine; removed after the test. */
function sessionCgroup(
  t: TestContext,
  engine: NativeEngine,
  kinds = ALL_KINDS,
): Cgroup & { key: bigint } {
  const root = cgroup2Root();
  const dir = join(root, `teleport-engine-native-${randomUUID().slice(0, 8)}`);
  mkdirSync(dir);
  const id = statSync(dir, { bigint: true }).ino;
  const key = nextKey++;
  engine.updateElem("session_cgroups", u64(id), sessionInfo(key, kinds));
  t.after(async () => {
    if (!engine.closed) engine.deleteElem("session_cgroups", u64(id));
    // Move leftovers out (they may be exiting: bounded retries), then remove the folder.
    await waitUntil(`cgroup ${dir} to empty`, () => {
      const pids = readFileSync(join(dir, "cgroup.procs"), "utf8").split("\n").filter(Boolean);
      for (const pid of pids) {
        try {
          writeFileSync(join(root, "cgroup.procs"), pid);
        } catch {
          // gone meanwhile
        }
      }
      try {
        rmdirSync(dir);
        return true;
      } catch {
        return undefined;
      }
    });
  });
  return { dir, id, procs: join(dir, "cgroup.procs"), key };
}

interface Run {
  pid: number;
  code: number | null;
  stdout: string;
}

/** Runs a command to its end (killed after 20 s), killing it if the test ends first. */
async function run(t: TestContext, argv: string[]): Promise<Run> {
  const [program, ...args] = argv;
  assert.ok(program);
  const child = spawn(program, args, { stdio: ["ignore", "pipe", "inherit"], timeout: 20_000 });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  let stdout = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  const [code] = (await once(child, "close")) as [number | null];
  assert.ok(child.pid !== undefined);
  return { pid: child.pid, code, stdout };
}

/** sh that moves itself into the cgroup, then runs `script`. */
function inCgroup(cgroup: Cgroup, script: string): string[] {
  return ["/bin/sh", "-c", `echo $$ > ${cgroup.procs} && ${script}`];
}

let shared: Harness;
let mountedTracefs = false;

before(() => {
  if (!isRoot) return;
  mountedTracefs = ensureTracefs();
  shared = new Harness({
    command_events: 16 * PAGE,
    disk_events: 256 * PAGE,
    network_events: 16 * PAGE,
  });
});

after(() => {
  shared?.engine.close();
  // Tests leave no mounts behind; lazy so that a still-open object does not block it.
  if (mountedTracefs) execFileSync("umount", ["-l", "/sys/kernel/tracing"]);
});

test(
  "execs, opens and failed execs of a session's processes are recorded",
  { skip: needsRoot },
  async (t) => {
    const cg = sessionCgroup(t, shared.engine);
    const sh = await run(
      t,
      inCgroup(cg, "/nonexistent/cmd one two 2>/dev/null; exec /bin/cat /etc/hostname"),
    );
    assert.equal(sh.code, 0);

    const exec = await shared.waitFor("the exec of cat", () =>
      shared.of(cg.key).find((r) => r.kind === RECORD_EXEC && r.returnCode === 0),
    );
    assert.equal(exec.pid, sh.pid); // exec keeps the pid
    assert.equal(exec.ppid, process.pid);
    assert.equal(exec.comm, "cat");
    assert.equal(exec.cgroupId, cg.id);
    assert.equal(exec.path, "/bin/cat");
    assert.ok(exec.args.includes("cat\0/etc/hostname\0"), JSON.stringify(exec.args));
    assert.equal(exec.args, "/bin/cat\0/etc/hostname\0");

    const open = shared
      .of(cg.key)
      .find((r) => r.kind === RECORD_OPEN && r.path === "/etc/hostname" && r.pid === sh.pid);
    assert.ok(open, "no open record for /etc/hostname");
    assert.ok(open.returnCode >= 0, `open returned ${open.returnCode}`);
    assert.equal(open.comm, "cat");
    assert.equal(open.openFlags & 3, 0); // O_RDONLY

    // sh forks, the child's execve fails with ENOENT: reported from sys_exit_execve.
    const failed = shared
      .of(cg.key)
      .find((r) => r.kind === RECORD_EXEC && r.path === "/nonexistent/cmd");
    assert.ok(failed, "no record of the failed exec");
    assert.equal(failed.returnCode, -2);
    assert.equal(failed.args, "/nonexistent/cmd\0one\0two\0");
    assert.equal(failed.ppid, sh.pid);
    assert.equal(failed.comm, "sh");

    // Every record of the session comes from its processes.
    for (const r of shared.of(cg.key)) assert.ok([sh.pid, failed.pid].includes(r.pid), r.comm);
    // The kernel forgot them when they exited.
    for (const pid of [sh.pid, failed.pid]) {
      assert.equal(shared.engine.lookupElem("tracked", u32(pid)), null);
    }
  },
);

test(
  "a process stays in its session after leaving the cgroup; others are never recorded",
  { skip: needsRoot },
  async (t) => {
    const cg = sessionCgroup(t, shared.engine);
    const root = join(cgroup2Root(), "cgroup.procs");
    const [escaper, outsider] = await Promise.all([
      run(t, inCgroup(cg, `echo $$ > ${root} && exec /bin/cat /etc/hostname`)),
      run(t, ["/bin/sh", "-c", "exec /bin/cat /etc/hostname"]),
    ]);
    const exec = await shared.waitFor("the escaper's exec", () =>
      shared.of(cg.key).find((r) => r.kind === RECORD_EXEC && r.pid === escaper.pid),
    );
    // Recorded in the cgroup it moved to, but for the session it came from.
    assert.notEqual(exec.cgroupId, cg.id);
    assert.ok(
      shared.of(cg.key).some((r) => r.kind === RECORD_OPEN && r.pid === escaper.pid),
      "no open record of the escaper",
    );
    assert.deepEqual(
      shared.records.filter((r) => r.pid === outsider.pid),
      [],
      "a process outside every session was recorded",
    );
  },
);

test(
  "a script's exec shows its own arguments, not its interpreter's",
  { skip: needsRoot },
  async (t) => {
    const dir = tempDir();
    const plain = join(dir, "plain.sh");
    const withArg = join(dir, "with-arg.sh");
    writeFileSync(plain, "#!/bin/sh\nexit 0\n");
    writeFileSync(withArg, "#!/bin/sh -e\nexit 0\n");
    chmodSync(plain, 0o755);
    chmodSync(withArg, 0o755);
    const cg = sessionCgroup(t, shared.engine);
    const sh = await run(t, inCgroup(cg, `${plain} one two && exec ${withArg} three`));
    assert.equal(sh.code, 0);
    for (const [script, args] of [
      [plain, `${plain}\0one\0two\0`],
      [withArg, `${withArg}\0three\0`],
    ] as const) {
      const exec = await shared.waitFor(`the exec of ${script}`, () =>
        shared.of(cg.key).find((r) => r.kind === RECORD_EXEC && r.path === script),
      );
      assert.equal(exec.returnCode, 0);
      assert.equal(exec.args, args);
    }
  },
);

test("the session's kinds limit what is recorded", { skip: needsRoot }, async (t) => {
  const cg = sessionCgroup(t, shared.engine, KIND_BIT(RECORD_EXEC));
  const sh = await run(t, inCgroup(cg, "exec /bin/cat /etc/hostname"));
  await shared.waitFor("the exec of cat", () =>
    shared.of(cg.key).find((r) => r.kind === RECORD_EXEC && r.pid === sh.pid),
  );
  assert.deepEqual(
    shared.of(cg.key).filter((r) => r.kind !== RECORD_EXEC),
    [],
  );
});

async function listen(host: string): Promise<Server | undefined> {
  const server = createServer((socket) => socket.destroy());
  try {
    server.listen(0, host);
    await once(server, "listening");
    return server;
  } catch {
    return undefined; // e.g. no IPv6 on this host
  }
}

test("TCP connects are recorded, IPv4 and IPv6", { skip: needsRoot }, async (t) => {
  const v4 = await listen("127.0.0.1");
  const v6 = await listen("::1");
  t.after(() => {
    v4?.close();
    v6?.close();
  });
  assert.ok(v4);
  if (!v6) t.diagnostic("no IPv6 loopback here: only IPv4 is checked");
  const ports = [v4, v6].map((s) => {
    const address = s?.address();
    return typeof address === "object" && address !== null ? address.port : 0;
  });
  const cg = sessionCgroup(t, shared.engine);
  const script = `
    const net = require("node:net");
    const targets = ${JSON.stringify([
      ["127.0.0.1", ports[0]],
      ["::1", ports[1]],
    ])}.filter(([, port]) => port);
    let left = targets.length;
    for (const [host, port] of targets) {
      const socket = net.connect(port, host);
      socket.on("error", () => {});
      socket.on("close", () => { if (--left === 0) process.exit(0); });
    }`;
  const node = await run(t, inCgroup(cg, `exec ${process.execPath} -e '${script}'`));
  assert.equal(node.code, 0);

  const connect4 = await shared.waitFor("the IPv4 connect", () =>
    shared.of(cg.key).find((r) => r.kind === RECORD_CONNECT && r.family === 2),
  );
  assert.equal(connect4.pid, node.pid);
  assert.equal(connect4.dport, ports[0]);
  assert.deepEqual([...connect4.daddr.subarray(0, 4)], [127, 0, 0, 1]);
  assert.deepEqual([...connect4.daddr.subarray(4)], new Array<number>(12).fill(0));
  if (v6) {
    const connect6 = await shared.waitFor("the IPv6 connect", () =>
      shared.of(cg.key).find((r) => r.kind === RECORD_CONNECT && r.family === 10),
    );
    assert.equal(connect6.pid, node.pid);
    assert.equal(connect6.dport, ports[1]);
    assert.deepEqual([...connect6.daddr], [...new Array<number>(15).fill(0), 1]);
  }
});

test(
  "drain delivers everything in the rings before calling done",
  { skip: needsRoot },
  async (t) => {
    const cg = sessionCgroup(t, shared.engine);
    const count = 2000;
    // `:` is a builtin: the loop opens the file without forking.
    const sh = await run(
      t,
      inCgroup(cg, `i=0; while [ $i -lt ${count} ]; do : < /etc/hostname; i=$((i+1)); done`),
    );
    assert.equal(sh.code, 0);
    // The shell has exited, so all its records are in the rings (or were delivered) by now: one
    // drain must bring every one of them, and done must come after the last.
    const drains = [shared.drain(), shared.drain()];
    await Promise.all(drains);
    const opens = shared
      .of(cg.key)
      .filter((r) => r.kind === RECORD_OPEN && r.path === "/etc/hostname");
    const lost = shared.engine.sessionLost(cg.key);
    assert.deepEqual(lost, { kernel: [0n, 0n, 0n, 0n], user: [0n, 0n, 0n, 0n] });
    assert.equal(opens.length, count);
  },
);

test(
  "a full ring counts its losses, for everyone and per session",
  { skip: needsRoot },
  async (t) => {
    // One page of disk ring and no poller yet: most of the opens cannot fit.
    const small = new Harness({ disk_events: PAGE }, false);
    t.after(() => small.engine.close());
    const kernelBefore = small.engine.readArrayU64("lost", RECORD_OPEN);
    const cg = sessionCgroup(t, small.engine);
    const count = 500;
    await run(
      t,
      inCgroup(cg, `i=0; while [ $i -lt ${count} ]; do : < /etc/hostname; i=$((i+1)); done`),
    );
    small.engine.start();
    await small.drain();
    const delivered = small.of(cg.key).filter((r) => r.kind === RECORD_OPEN).length;
    const lost = small.engine.sessionLost(cg.key);
    assert.ok(delivered > 0 && delivered < count, `delivered ${delivered} of ${count}`);
    assert.equal(BigInt(delivered) + (lost.kernel[RECORD_OPEN] ?? 0n), BigInt(count));
    assert.equal(
      small.engine.readArrayU64("lost", RECORD_OPEN) - kernelBefore,
      lost.kernel[RECORD_OPEN],
    );
    assert.deepEqual(lost.user, [0n, 0n, 0n, 0n]);
    small.engine.forgetSession(cg.key);
    assert.deepEqual(small.engine.sessionLost(cg.key).kernel, [0n, 0n, 0n, 0n]);
  },
);

test(
  "records JS had no time for are counted, for everyone and per session",
  { skip: needsRoot },
  async (t) => {
    // At most one batch may wait for the JS thread, and the JS thread is blocked in spawnSync
    // while the command runs: the poller keeps consuming the rings and must drop (and count)
    // every further batch rather than wait.
    const { Engine } = loadAddon();
    let delivered = 0;
    const engine = new Engine(
      bpfObjectPath("session"),
      { ringBytes: { disk_events: 256 * PAGE }, maxQueuedBatches: 1 },
      (batch) => {
        for (const r of decodeBatch(batch)) if (r.kind === RECORD_OPEN) delivered++;
      },
    );
    t.after(() => engine.close());
    engine.attach();
    engine.start();
    const cg = sessionCgroup(t, engine);
    const count = 20000;
    const sh = spawnSync(
      "/bin/sh",
      inCgroup(cg, `i=0; while [ $i -lt ${count} ]; do : < /etc/hostname; i=$((i+1)); done`).slice(
        1,
      ),
      { stdio: "inherit", timeout: 60_000 },
    );
    assert.equal(sh.status, 0);
    await new Promise<void>((resolve) => engine.drain(resolve));
    const lost = engine.sessionLost(cg.key);
    const userLost = lost.user[RECORD_OPEN] ?? 0n;
    assert.ok(
      userLost > 0n,
      "nothing was dropped: the test did not block the JS thread long enough",
    );
    assert.equal(BigInt(delivered) + userLost + (lost.kernel[RECORD_OPEN] ?? 0n), BigInt(count));
    assert.equal(engine.userLost()[RECORD_OPEN], userLost);
  },
);

test("lost counters, maps and layout are readable", { skip: needsRoot }, () => {
  const { engine } = shared;
  for (let kind = 0; kind < 4; kind++)
    assert.equal(typeof engine.readArrayU64("lost", kind), "bigint");
  const user = engine.userLost();
  assert.equal(user.length, 4);
  for (const n of user) assert.equal(typeof n, "bigint");
  assert.ok(Array.isArray(engine.skippedPrograms));
  for (const name of engine.skippedPrograms) assert.match(name, /^on_sys_(enter|exit)_/);

  const key = u64(0xfeedn);
  assert.equal(engine.lookupElem("session_cgroups", key), null);
  engine.updateElem("session_cgroups", key, sessionInfo(7n, ALL_KINDS));
  assert.deepEqual(engine.lookupElem("session_cgroups", key), sessionInfo(7n, ALL_KINDS));
  assert.ok(engine.keys("session_cgroups").some((k) => k.equals(key)));
  assert.equal(engine.deleteElem("session_cgroups", key), true);
  assert.equal(engine.deleteElem("session_cgroups", key), false);

  assert.throws(() => engine.lookupElem("no_such_map", key), /no map 'no_such_map'/);
  assert.throws(
    () => engine.updateElem("tracked", u64(1n), sessionInfo(1n, 0)),
    /'tracked'.*4-byte keys/,
  );
  assert.throws(() => engine.updateElem("tracked", u32(1), u64(1n)), /'tracked'.*16-byte values/);

  const layout = loadAddon().recordLayout();
  assert.equal(layout.record_header?.size, 56);
  assert.equal(layout.exec_record?.offsets.data, 72);
  assert.equal(layout.connect_record?.size, 96);
});

test("bad options fail before anything is loaded", { skip: needsRoot }, () => {
  const { Engine } = loadAddon();
  const path = bpfObjectPath("session");
  assert.throws(() => new Engine(path, { ringBytes: { disk_events: 5000 } }, () => {}), RangeError);
  assert.throws(() => new Engine(path, { ringBytes: { nope: PAGE } }, () => {}), /no map 'nope'/);
  assert.throws(
    () => new Engine(path, { ringBytes: { lost: PAGE } }, () => {}),
    /not a ring buffer/,
  );
  assert.throws(
    () => new Engine("/nonexistent/session.bpf.o", { ringBytes: {} }, () => {}),
    (error: unknown) => isLibbpfError(error) && /No such file or directory/.test(error.message),
  );
});

test("close is idempotent and final", { skip: needsRoot }, async () => {
  const h = new Harness();
  const drained = h.drain(); // pending when closed: still answered
  h.engine.close();
  await drained;
  assert.equal(h.engine.closed, true);
  h.engine.close();
  assert.equal(h.engine.userLost().length, 4);
  assert.throws(() => h.engine.drain(() => {}), /is closed/);
  assert.throws(() => h.engine.attach(), /is closed/);
  assert.throws(() => h.engine.keys("tracked"), /is closed/);
});

test("loads while signals keep arriving (a profiler's SIGPROF)", { skip: needsRoot }, () => {
  // The verifier stops with EAGAIN at a pending signal; under `node --cpu-prof` every load
  // failed that way until the addon held signals for the load.
  const dir = tempDir("engine-prof-");
  const script = [
    `const { loadAddon } = await import(${JSON.stringify(join(import.meta.dirname, "../../src/bpf/addon.ts"))});`,
    `const { bpfObjectPath } = await import(${JSON.stringify(join(import.meta.dirname, "../../src/bpf/index.ts"))});`,
    "const { Engine } = loadAddon();",
    "for (let i = 0; i < 3; i += 1) new Engine(bpfObjectPath('session'), {}, () => {}).close();",
    "console.log('loaded');",
  ].join("\n");
  const result = spawnSync(
    process.execPath,
    [
      "--cpu-prof",
      "--cpu-prof-interval",
      "100",
      "--cpu-prof-dir",
      dir,
      "--import",
      "tsx",
      "--input-type=module",
      "-e",
      script,
    ],
    { encoding: "utf8", timeout: 120_000 },
  );
  assert.equal(result.stdout.trim(), "loaded", result.stderr.slice(0, 2000));
});
