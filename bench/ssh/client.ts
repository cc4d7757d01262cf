// The one client bench/ssh.ts measures every server with: the real OpenSSH `ssh`, with no user
// config, no agent, no connection sharing and no compression, its run timed from outside by
// bench/fixtures/run-timed.c (so this process, which also hosts the nodes, cannot delay the
// measurement by noticing the exit late).
import { spawn } from "node:child_process";
import { certificateLoginOptions } from "../../test/helpers/openssh.js";
import type { ClientFiles } from "./cluster.js";

export interface Target {
  /** The name in the table. */
  label: string;
  port: number;
}

export interface TimedRun {
  ns: number;
  /** What the timed program printed on stdout, without run-timed's line. */
  stdout: string;
}

/** Exit status or signal of a run that failed, with what it printed on stderr. */
export class RunFailed extends Error {}

/** The client's arguments for `login@127.0.0.1:port` running `command`. */
export function sshArgs(
  files: ClientFiles,
  target: Target,
  login: string,
  command: string,
): string[] {
  return [
    "-F",
    "/dev/null",
    "-o",
    "BatchMode=yes",
    "-o",
    "ConnectTimeout=10",
    "-o",
    "ControlMaster=no",
    "-o",
    "ControlPath=none",
    "-o",
    "Compression=no",
    "-o",
    "UpdateHostKeys=no",
    "-o",
    "LogLevel=ERROR",
    ...certificateLoginOptions(files),
    "-p",
    String(target.port),
    `${login}@127.0.0.1`,
    command,
  ];
}

/** The client's environment: no agent, so only the key on the command line counts. */
function clientEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env["SSH_AUTH_SOCK"];
  return env;
}

/**
 * Runs `run-timed argv…` and resolves with fork → exit of argv[0] in ns. Killed by pid after
 * `timeoutMs`; rejects with RunFailed on a non-zero exit.
 */
export function runTimed(
  runTimedPath: string,
  argv: string[],
  timeoutMs: number,
): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(runTimedPath, argv, {
      env: clientEnv(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, "SIGKILL");
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const timed = /(?:^|\n)run-timed (\d+) (\d+)\n$/.exec(stdout);
      if (code !== 0 || timed === null) {
        const why = signal !== null ? `killed by ${signal}` : `exit ${code}`;
        reject(new RunFailed(`${argv.join(" ")}: ${why}: ${stderr.trim() || "no error output"}`));
        return;
      }
      resolve({ ns: Number(timed[1]), stdout: stdout.slice(0, timed.index) });
    });
  });
}

/** Runs `ssh … command` once, verbose, and reads the algorithms it agreed on. */
export function negotiated(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("ssh", ["-v", ...args], {
      env: clientEnv(),
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) {
        reject(
          new RunFailed(
            `ssh -v … exited ${code}: ${stderr.trim().split("\n").slice(-5).join("\n")}`,
          ),
        );
        return;
      }
      const kex = /kex: algorithm: (\S+)/.exec(stderr)?.[1] ?? "?";
      const hostKey = /kex: host key algorithm: (\S+)/.exec(stderr)?.[1] ?? "?";
      const cipher = /kex: server->client cipher: (\S+) MAC: (\S+)/.exec(stderr);
      const mac = cipher?.[2] === "<implicit>" ? "" : ` ${cipher?.[2] ?? "?"}`;
      resolve(`${cipher?.[1] ?? "?"}${mac}, ${kex}, ${hostKey.replace(/@openssh\.com$/, "")}`);
    });
  });
}
