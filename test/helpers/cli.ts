import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import type { Command } from "commander";
import { runCli, type CliIo } from "../../src/cli/run.js";
import { repoRoot } from "../../src/paths.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a CLI tree in this process with captured output: fast, for help and exit-code checks. */
export async function runInProcess(
  build: (io: CliIo) => Command,
  argv: string[],
): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  };
  const code = await runCli(build(io), argv, io);
  return { code, stdout, stderr };
}

export function binPath(program: "teleport" | "tctl" | "tsh"): string {
  return join(repoRoot(), "bin", `${program}.js`);
}

/**
 * Starts a built CLI as its own process (needs `npm run build`). `prefix` runs it through
 * another program that execs it (e.g. `ip netns exec NS`), so the pid is still the CLI's.
 */
export function spawnCli(
  program: "teleport" | "tctl" | "tsh",
  argv: string[],
  prefix: readonly string[] = [],
): ChildProcess {
  const command = [...prefix, process.execPath, binPath(program), ...argv];
  return spawn(command[0] ?? process.execPath, command.slice(1), {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, TELEPORT_DEBUG: "" },
  });
}

/** Runs a built CLI to completion; a hung process is killed after `timeoutMs` and fails the call. */
export function runCliProcess(
  program: "teleport" | "tctl" | "tsh",
  argv: string[],
  timeoutMs = 30_000,
): Promise<CliResult> {
  const child = spawnCli(program, argv);
  return collect(child, timeoutMs);
}

/**
 * Runs a built tsh or tctl as a user whose home is `home` (their ~/.tsh), with `input` on stdin
 * (a password for tsh login).
 */
export function runAsUser(
  home: string,
  program: "tsh" | "tctl",
  args: string[],
  input = "",
): Promise<CliResult> {
  const child = spawn(process.execPath, [binPath(program), ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    env: { ...process.env, HOME: home, TELEPORT_HOME: "", TELEPORT_DEBUG: "" },
  });
  child.stdin.end(input);
  return collect(child, 60_000);
}

/** Runs the built tctl with the teleport.yaml at `config`, as an administrator on the auth host. */
export function runTctl(config: string, ...args: string[]): Promise<CliResult> {
  return runCliProcess("tctl", ["-c", config, ...args]);
}

export function collect(child: ChildProcess, timeoutMs: number): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(`process ${child.pid} did not exit within ${timeoutMs} ms; stderr: ${stderr}`),
      );
    }, timeoutMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr });
    });
  });
}
