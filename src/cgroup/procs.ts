import {
  closeSync,
  constants,
  openSync,
  readFileSync,
  readdirSync,
  rmdirSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";

export function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Opens an existing kernel interface file; never creates or truncates a file by mistake. */
function openWriteOnly(path: string): number {
  return openSync(path, constants.O_WRONLY);
}

/** Pids listed in `dir`/cgroup.procs (this cgroup only, not its children); [] if it is gone. */
export function readPids(dir: string): number[] {
  let text: string;
  try {
    text = readFileSync(join(dir, "cgroup.procs"), "utf8");
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return [];
    throw error;
  }
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map(Number);
}

/** Moves processes into the cgroup whose cgroup.procs is `procsPath`; ones already gone are skipped. */
function movePids(pids: readonly number[], procsPath: string): void {
  if (pids.length === 0) return;
  const fd = openWriteOnly(procsPath);
  try {
    for (const pid of pids) {
      // The kernel takes one pid per write().
      try {
        writeSync(fd, `${pid}\n`);
      } catch (error) {
        if (errnoCode(error) === "ESRCH") continue; // exited meanwhile
        throw new Error(`cannot move pid ${pid} to ${procsPath}: ${(error as Error).message}`);
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Freezes (or thaws) a cgroup and its descendants, so processes cannot fork while being moved
 * out. A frozen process thaws when moved into a cgroup that is not frozen.
 */
function setFrozen(dir: string, frozen: boolean): void {
  try {
    const fd = openWriteOnly(join(dir, "cgroup.freeze"));
    try {
      writeSync(fd, frozen ? "1\n" : "0\n");
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if (errnoCode(error) !== "ENOENT") throw error; // gone, or a kernel without the freezer
  }
}

function childCgroups(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(dir, entry.name));
  } catch (error) {
    if (errnoCode(error) === "ENOENT") return [];
    throw error;
  }
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
function pause(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

// Moving a few hundred processes takes a few rounds at most; more means something is wrong.
const MAX_ROUNDS = 200;

/** Moves every process out of `dir` into `targetProcs`, then removes `dir`. */
function emptyAndRemove(dir: string, targetProcs: string): void {
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const pids = readPids(dir);
    if (pids.length > 0) {
      movePids(pids, targetProcs);
      continue;
    }
    try {
      rmdirSync(dir);
      return;
    } catch (error) {
      const code = errnoCode(error);
      if (code === "ENOENT") return;
      if (code !== "EBUSY") throw error;
      pause(5); // exiting tasks leave the cgroup a moment after they leave cgroup.procs
    }
  }
  throw new Error(
    `cannot remove cgroup ${dir}: it still has processes after ${MAX_ROUNDS} attempts ` +
      `(pids now: ${readPids(dir).join(" ") || "none listed"})`,
  );
}

function removeFrozenTree(dir: string, targetProcs: string): void {
  for (const child of childCgroups(dir)) removeFrozenTree(child, targetProcs);
  emptyAndRemove(dir, targetProcs);
}

/**
 * Removes the cgroup `dir` and any cgroups below it, moving their processes (which keep running)
 * to `targetProcs`. Nothing happens when `dir` does not exist.
 */
export function removeCgroupTree(dir: string, targetProcs: string): void {
  setFrozen(dir, true);
  try {
    removeFrozenTree(dir, targetProcs);
  } catch (error) {
    setFrozen(dir, false); // never leave a session's processes stopped
    throw error;
  }
}
