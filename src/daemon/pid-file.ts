import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Writes this process's pid for systemd's PIDFile= and `pkill -F`. */
export function writePidFile(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${process.pid}\n`, { mode: 0o644 });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot write pid file ${path}: ${reason}`, { cause: err });
  }
}

/** Removes the pid file only if it is still ours, so a newer instance's file survives. */
export function removePidFile(path: string): void {
  try {
    if (readFileSync(path, "utf8").trim() === String(process.pid)) rmSync(path);
  } catch {
    // Already gone: nothing to clean up.
  }
}
