import { spawn } from "node:child_process";
import { existsSync, rmdirSync } from "node:fs";
import { dirname } from "node:path";
import { randomUUID } from "node:crypto";
import { after, before } from "node:test";
import {
  bpfObjectPath,
  EnhancedRecorder,
  type EventKind,
  type KernelRecord,
  type RecorderOptions,
  type SessionSummary,
} from "../../src/bpf/index.js";
import { findCgroup2Mount } from "../../src/cgroup/index.js";
import { launcherArgs, launcherPath } from "../../src/launcher/index.js";

export const isRoot = process.getuid?.() === 0;
export const needsRoot = isRoot
  ? false
  : "needs root: BPF programs and cgroups need CAP_BPF, CAP_PERFMON and CAP_SYS_ADMIN";

/**
 * A recorder on the real kernel, on this host's cgroup v2 mount, with a root_path of its own so
 * tests never touch another instance's cgroups. Call at describe level: it opens in before()
 * and closes in after().
 */
export function useTestRecorder(overrides: Partial<RecorderOptions> = {}): () => EnhancedRecorder {
  let recorder: EnhancedRecorder | undefined;
  before(() => {
    const cgroupPath = findCgroup2Mount();
    if (!cgroupPath) throw new Error("no cgroup v2 mount on this host");
    const rootPath = `/teleport-test-${randomUUID().slice(0, 8)}`;
    recorder = EnhancedRecorder.open({
      objectPath: bpfObjectPath("session"),
      bufferPages: { command: 8, disk: 128, network: 8 },
      cgroupPath,
      rootPath,
      instanceId: randomUUID(),
      ...overrides,
    });
  });
  after(async () => {
    const root = recorder ? dirname(recorder.instanceDir) : undefined;
    await recorder?.close();
    // The shared <root_path> folder is left by close() for other instances; this one is ours.
    if (root && existsSync(root)) rmdirSync(root);
  });
  return () => {
    if (!recorder) throw new Error("the test recorder is not open (use it inside tests)");
    return recorder;
  };
}

export interface SessionRun {
  sid: string;
  records: KernelRecord[];
  summary: SessionSummary;
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The launcher's pid: the session's first process (it execs the program). */
  pid: number;
}

/** A started session whose command runs until `finish()`; for concurrent-session tests. */
export interface RunningSession {
  sid: string;
  pid: number;
  records: KernelRecord[];
  finish(): Promise<SessionRun>;
}

export function startSession(
  recorder: EnhancedRecorder,
  argv: string[],
  kinds: EventKind[] = ["command", "disk", "network"],
): RunningSession {
  const [program, ...args] = argv;
  if (program === undefined) throw new Error("startSession needs a command");
  const sid = randomUUID();
  const records: KernelRecord[] = [];
  const session = recorder.openSession(sid, kinds, { record: (record) => records.push(record) });
  const child = spawn(
    launcherPath(),
    launcherArgs({ cgroupProcs: session.cgroup.procsPath, program, args }),
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
  const pid = child.pid;
  if (pid === undefined) throw new Error("the launcher did not start");
  return {
    sid,
    pid,
    records,
    async finish() {
      const exitCode = await exited;
      const summary = await recorder.closeSession(sid);
      return { sid, records, summary, exitCode, stdout, stderr, pid };
    },
  };
}

/** Runs one command as a whole recorded session and returns what the kernel reported. */
export function recordSession(
  recorder: EnhancedRecorder,
  argv: string[],
  kinds?: EventKind[],
): Promise<SessionRun> {
  return startSession(recorder, argv, kinds).finish();
}

export function commands(run: {
  records: KernelRecord[];
}): Extract<KernelRecord, { kind: "exec" }>[] {
  return run.records.filter((r): r is Extract<KernelRecord, { kind: "exec" }> => r.kind === "exec");
}

export function opens(run: { records: KernelRecord[] }): Extract<KernelRecord, { kind: "open" }>[] {
  return run.records.filter((r): r is Extract<KernelRecord, { kind: "open" }> => r.kind === "open");
}

export function connects(run: {
  records: KernelRecord[];
}): Extract<KernelRecord, { kind: "connect" }>[] {
  return run.records.filter(
    (r): r is Extract<KernelRecord, { kind: "connect" }> => r.kind === "connect",
  );
}
