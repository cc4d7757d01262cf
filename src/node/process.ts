// Starting a session's program through the launcher, as the login user inside the session's
// cgroup: in a pty (node-pty) or with plain pipes. Output arrives as raw bytes.
import { spawn as spawnChild } from "node:child_process";
import { constants } from "node:os";
import { launcherArgs, launcherPath } from "../launcher/index.js";
import { spawnPty } from "./pty.js";
import type { HostUser } from "./users.js";

export interface PtySize {
  cols: number;
  rows: number;
  term: string;
}

export interface SessionProcessOptions {
  user: HostUser;
  cgroupProcs: string;
  /** undefined: the login shell. */
  command: string | undefined;
  pty: PtySize | undefined;
  env: Record<string, string>;
}

/** How the program ended: an exit code, or the signal that killed it. */
export type ProcessExit = { code: number } | { signal: string };

export interface SessionProcess {
  onOutput(listener: (bytes: Buffer, stream: "stdout" | "stderr") => void): void;
  write(bytes: Buffer): void;
  endInput(): void;
  /** Stops reading the program's output (it blocks when its pipe or pty fills), and restarts. */
  pauseOutput(): void;
  resumeOutput(): void;
  resize(cols: number, rows: number): void;
  kill(): void;
  readonly exited: Promise<ProcessExit>;
}

function argv(options: SessionProcessOptions): string[] {
  const { user } = options;
  const args = options.command === undefined ? ["-l"] : ["-c", options.command];
  return launcherArgs({
    cgroupProcs: options.cgroupProcs,
    credentials: { uid: user.uid, gid: user.gid, groups: user.groups },
    cwd: user.home,
    program: user.shell,
    args,
    // node-pty makes its child a session leader itself.
    setsid: options.pty === undefined,
    ...(options.pty === undefined ? {} : { ttyEnv: "SSH_TTY" }),
  });
}

function signalName(signal: number): string {
  const entry = Object.entries(constants.signals).find(([, n]) => n === signal);
  // SSH names signals without the SIG prefix (RFC 4254 §6.10).
  return (entry?.[0] ?? "KILL").replace(/^SIG/, "");
}

function startPty(options: SessionProcessOptions, size: PtySize): SessionProcess {
  const pty = spawnPty(launcherPath(), argv(options), {
    term: size.term,
    cols: size.cols,
    rows: size.rows,
    cwd: "/",
    env: options.env,
  });
  const exited = pty.exited.then(({ exitCode, signal }): ProcessExit =>
    signal === undefined ? { code: exitCode } : { signal: signalName(signal) },
  );
  return {
    onOutput: (listener) => pty.onData((bytes) => listener(bytes, "stdout")),
    write: (bytes) => pty.write(bytes),
    // A pty has no half-close: EOF is the terminal's ^D, which the client sends itself.
    endInput: () => undefined,
    pauseOutput: () => pty.pause(),
    resumeOutput: () => pty.resume(),
    resize: (cols, rows) => pty.resize(cols, rows),
    kill: () => pty.kill("SIGHUP"),
    exited,
  };
}

function startPipes(options: SessionProcessOptions): SessionProcess {
  const child = spawnChild(launcherPath(), argv(options), {
    env: options.env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const listeners: ((bytes: Buffer, stream: "stdout" | "stderr") => void)[] = [];
  child.stdout.on("data", (d: Buffer) => listeners.forEach((l) => l(d, "stdout")));
  child.stderr.on("data", (d: Buffer) => listeners.forEach((l) => l(d, "stderr")));
  child.stdin.on("error", () => undefined); // the program may exit without reading its input
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once("error", () => resolve({ code: 127 }));
    // "close", not "exit": all output has been read by then.
    child.once("close", (code, signal) =>
      resolve(signal ? { signal: signal.replace(/^SIG/, "") } : { code: code ?? 255 }),
    );
  });
  return {
    onOutput: (listener) => listeners.push(listener),
    write: (bytes) => child.stdin.write(bytes),
    endInput: () => child.stdin.end(),
    pauseOutput: () => {
      child.stdout.pause();
      child.stderr.pause();
    },
    resumeOutput: () => {
      child.stdout.resume();
      child.stderr.resume();
    },
    resize: () => undefined,
    // child.kill, not process.kill: it tolerates a program that has just ended (killed by a
    // signal, exitCode stays null).
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGHUP");
    },
    exited,
  };
}

export function startSessionProcess(options: SessionProcessOptions): SessionProcess {
  return options.pty === undefined ? startPipes(options) : startPty(options, options.pty);
}
