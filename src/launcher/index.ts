import { existsSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "../paths.js";

/**
 * Exit codes of build/launcher/teleport-launcher (documented in native/launcher/launcher.c;
 * keep both in step). Any other status is the session program's own.
 */
export const LAUNCHER_EXIT = {
  /** Bad or missing arguments. */
  usage: 64,
  /** Writing its pid to the session cgroup's cgroup.procs failed. */
  cgroup: 65,
  /** Switching groups/gid/uid failed or could not be verified. */
  credentials: 66,
  /** Other set-up failed: setsid, or chdir to "/" after a failed --cwd. */
  setup: 67,
  /** The program exists but cannot be executed. */
  notExecutable: 126,
  /** The program was not found. */
  notFound: 127,
} as const;

export type LauncherExitCode = (typeof LAUNCHER_EXIT)[keyof typeof LAUNCHER_EXIT];

export interface LauncherCredentials {
  uid: number;
  gid: number;
  /** Supplementary groups; none when omitted. */
  groups?: readonly number[];
}

export interface LauncherOptions {
  /** The session cgroup's cgroup.procs file. */
  cgroupProcs: string;
  /** Switch to this user before running the program; omitted: keep the caller's. */
  credentials?: LauncherCredentials;
  /** Starting directory (the user's home); falls back to "/" with OpenSSH's warning. */
  cwd?: string;
  /** Run the program with an empty environment instead of the inherited one. */
  envClear?: boolean;
  /** When stdin is a terminal, set this variable to its path (sshd's SSH_TTY). */
  ttyEnv?: string;
  /** Become a session leader first (non-PTY sessions; node-pty does its own setsid). */
  setsid?: boolean;
  /** Run as given, never through a shell; searched in PATH when it has no "/". */
  program: string;
  args?: readonly string[];
}

/** Where scripts/build-native puts the launcher. */
export function launcherPath(): string {
  const path = join(repoRoot(), "build", "launcher", "teleport-launcher");
  if (!existsSync(path)) {
    throw new Error(`session launcher not built (${path} is missing): run npm run build`);
  }
  return path;
}

// The kernel treats (uid_t)-1 as "leave unchanged", so the launcher refuses it too.
const MAX_ID = 0xfffffffe;

function checkId(what: string, id: number): string {
  if (!Number.isInteger(id) || id < 0 || id > MAX_ID) {
    throw new RangeError(`launcher ${what} must be an integer from 0 to ${MAX_ID}, got ${id}`);
  }
  return String(id);
}

/** The launcher's argv (without the launcher path itself) for `options`. */
export function launcherArgs(options: LauncherOptions): string[] {
  if (options.cgroupProcs === "") throw new Error("launcher needs the cgroup.procs path");
  if (options.program === "") throw new Error("launcher needs a program to run");
  const argv = ["--cgroup-procs", options.cgroupProcs];
  const credentials = options.credentials;
  if (credentials !== undefined) {
    argv.push("--uid", checkId("uid", credentials.uid));
    argv.push("--gid", checkId("gid", credentials.gid));
    const groups = (credentials.groups ?? []).map((gid) => checkId("group id", gid));
    argv.push("--groups", groups.join(","));
  }
  if (options.cwd !== undefined) argv.push("--cwd", options.cwd);
  if (options.envClear === true) argv.push("--env-clear");
  if (options.ttyEnv !== undefined) argv.push("--tty-env", options.ttyEnv);
  if (options.setsid === true) argv.push("--setsid");
  argv.push("--", options.program, ...(options.args ?? []));
  return argv;
}
