import type { ChildProcess } from "node:child_process";
import { after } from "node:test";
import { spawnCli } from "./cli.js";

export interface DaemonProcess {
  child: ChildProcess;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Resolves when stderr contains `text`; rejects if the process exits first or after the timeout. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (or 128+signal number when killed). */
  exited: Promise<number>;
}

/**
 * Runs `teleport ARGS` (through `prefix`, e.g. `ip netns exec NS`, which execs it) and kills it
 * by pid when the test file ends, whatever happened.
 */
export function startTeleport(argv: string[], prefix: readonly string[] = []): DaemonProcess {
  const daemon = spawnTeleport(argv, prefix);
  const { child } = daemon;
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  return daemon;
}

/**
 * `teleport ARGS` whose end is the caller's to arrange (a process shared across a describe:
 * an after() registered inside a before() hook runs as soon as that hook ends in Node 20).
 */
export function spawnTeleport(argv: string[], prefix: readonly string[] = []): DaemonProcess {
  const child = spawnCli("teleport", argv, prefix);
  let stderr = "";
  const waiters = new Set<() => void>();
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
    for (const check of waiters) check();
  });
  const exited = new Promise<number>((resolve) => {
    child.on("close", (code, signal) => {
      resolve(code ?? (signal ? 128 : -1));
      for (const check of waiters) check();
    });
  });
  return {
    child,
    stderr: () => stderr,
    exited,
    waitFor(text, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out waiting for "${text}"; stderr so far:\n${stderr}`));
        }, timeoutMs);
        const check = (): void => {
          if (stderr.includes(text)) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`teleport exited before "${text}"; stderr:\n${stderr}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** SIGTERM to each daemon still running, the last started first, waiting for each to exit. */
export async function stopDaemons(daemons: readonly DaemonProcess[]): Promise<void> {
  for (const daemon of [...daemons].reverse()) {
    if (daemon.child.exitCode === null && daemon.child.signalCode === null) {
      daemon.child.kill("SIGTERM");
      await daemon.exited;
    }
  }
}
