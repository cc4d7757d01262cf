import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { constants, hostname, userInfo } from "node:os";
import { resolve } from "node:path";
import {
  assertEnhancedRecordingAvailable,
  bpfObjectPath,
  EnhancedRecorder,
  parseKinds,
  type EventKind,
  type SessionSummary,
} from "../bpf/index.js";
import { findCgroup2Mount } from "../cgroup/index.js";
import {
  ENHANCED_RECORDING_DEFAULTS,
  loadConfigFile,
  type EnhancedRecording,
} from "../config/index.js";
import { enhancedEvent, eventJsonLine, lostEventsEvent } from "../events/index.js";
import { launcherArgs, launcherPath } from "../launcher/index.js";
import { UsageError } from "./errors.js";
import type { CliIo } from "./run.js";

export interface RecordOptions {
  events: string;
  out?: string;
  config?: string;
}

function recordingSettings(configPath: string | undefined): EnhancedRecording {
  if (configPath) return loadConfigFile(resolve(configPath)).ssh_service.enhanced_recording;
  // With no config, use the cgroup v2 mount this host already has rather than mounting another.
  return {
    ...ENHANCED_RECORDING_DEFAULTS,
    cgroup_path: findCgroup2Mount() ?? ENHANCED_RECORDING_DEFAULTS.cgroup_path,
  };
}

interface Output {
  write(line: string): void;
  end(): Promise<void>;
}

function openOutput(file: string | undefined, io: CliIo): Output {
  if (file === undefined) return { write: io.stderr, end: () => Promise.resolve() };
  const stream: WriteStream = createWriteStream(resolve(file), { flags: "w", mode: 0o600 });
  return {
    write: (line) => stream.write(line),
    end: () =>
      new Promise((done, fail) => stream.end((err?: Error | null) => (err ? fail(err) : done()))),
  };
}

function waitForExit(
  program: string,
  args: string[],
): { pid: number | undefined; exit: Promise<number> } {
  const child = spawn(launcherPath(), args, { stdio: "inherit" });
  // Ctrl-C reaches the command (same process group) and ends it; teleport record itself stays to
  // close the session, write the summary and remove its cgroup. A signal sent to teleport
  // record alone is passed on to the command.
  const forward = (signal: NodeJS.Signals): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
  for (const signal of signals) process.on(signal, forward);
  const exit = new Promise<number>((done, fail) => {
    child.once("error", (err) =>
      fail(new Error(`cannot start ${program}: ${err.message}`, { cause: err })),
    );
    child.once("exit", (code, signal) => {
      // A command killed by a signal exits like a shell reports it: 128 + the signal number.
      done(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  }).finally(() => {
    for (const signal of signals) process.off(signal, forward);
  });
  return { pid: child.pid, exit };
}

function summaryLine(summary: SessionSummary, exitCode: number): string {
  return eventJsonLine({
    event: "record.summary",
    sid: summary.sid,
    exit_code: exitCode,
    recorded: summary.recorded,
    lost: summary.lost,
    sink_failures: summary.sinkFailures,
  });
}

/**
 * `teleport record -- CMD ARGS...`: runs CMD through the launcher in a fresh recorded session,
 * writes each event as a JSON line, then a summary, and returns CMD's exit code.
 */
export async function runRecord(
  command: string[],
  options: RecordOptions,
  io: CliIo,
): Promise<number> {
  const [program, ...args] = command;
  if (program === undefined)
    throw new UsageError("teleport record needs a command to run after --");
  let kinds: EventKind[];
  try {
    kinds = parseKinds(options.events);
  } catch (err) {
    throw new UsageError(`--events: ${(err as Error).message}`);
  }
  const settings = recordingSettings(options.config);
  assertEnhancedRecordingAvailable({ cgroupPath: settings.cgroup_path });

  const sid = randomUUID();
  const output = openOutput(options.out, io);
  const login = userInfo().username;
  const serverHostname = hostname();
  let ei = 0;
  const recorder = EnhancedRecorder.open(
    {
      objectPath: bpfObjectPath("session"),
      bufferPages: {
        command: settings.command_buffer_size,
        disk: settings.disk_buffer_size,
        network: settings.network_buffer_size,
      },
      cgroupPath: settings.cgroup_path,
      rootPath: settings.root_path,
      instanceId: randomUUID(),
    },
    (error) =>
      io.stderr(`teleport record: a kernel record could not be decoded: ${error.message}\n`),
  );
  try {
    const session = recorder.openSession(sid, kinds, {
      record: (record, time) => {
        const event = enhancedEvent(record, {
          sid,
          ei: ei++,
          time,
          uid: randomUUID(),
          namespace: "default",
          login,
          server_hostname: serverHostname,
        });
        output.write(eventJsonLine(event));
      },
    });
    const run = waitForExit(
      program,
      launcherArgs({ cgroupProcs: session.cgroup.procsPath, program, args }),
    );
    const exitCode = await run.exit;
    const summary = await recorder.closeSession(sid);
    const lost = lostEventsEvent(summary, {
      sid,
      ei: ei++,
      time: new Date(),
      uid: randomUUID(),
      namespace: "default",
      login,
      server_hostname: serverHostname,
    });
    if (lost) output.write(eventJsonLine(lost));
    output.write(summaryLine(summary, exitCode));
    return exitCode;
  } finally {
    await recorder.close();
    await output.end();
  }
}
