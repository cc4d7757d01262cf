// Line indexes of the day files, kept in memory (most recently used days) and brought up to date
// with the file before each use: only the bytes appended since are read.
//
// Reads here are synchronous (a stat per day file, a saved index, 1 MB chunks): from the page
// cache each takes microseconds, where a thread-pool round trip per call would cost more than
// the search. Building an index yields to the event loop between chunks.
import { closeSync, openSync, readSync, statSync } from "node:fs";
import { AuditLogError } from "./errors.js";
import { sidecarPath, type DayFile } from "./layout.js";
import { DayIndex, extendIndex } from "./line-index.js";
import { loadSidecar, saveSidecar } from "./sidecar.js";

export interface FreshIndex {
  index: DayIndex;
  /** Bytes after the last complete line (a line being written, or a torn one). */
  tail: number;
}

function unreadable(path: string, err: unknown): AuditLogError {
  return new AuditLogError(
    `audit log: cannot read ${path} (${(err as Error).message}); ` +
      "searching needs read access to the day files",
    { cause: err },
  );
}

export class IndexCache {
  readonly #indexes = new Map<string, DayIndex>();
  /** One refresh per file at a time: two would both extend the same index. */
  readonly #refreshing = new Map<string, Promise<FreshIndex>>();
  readonly #maxDays: number;

  constructor(maxDays: number) {
    this.#maxDays = maxDays;
  }

  /**
   * The index of a day file covering every complete line. `sealed` days (before today) get their
   * index saved beside them when it changed, best effort (a read-only log folder still searches).
   */
  refresh(file: DayFile, sealed: boolean): Promise<FreshIndex> {
    const running = this.#refreshing.get(file.path);
    if (running !== undefined) return running;
    const result = this.#refresh(file, sealed).finally(() => this.#refreshing.delete(file.path));
    this.#refreshing.set(file.path, result);
    return result;
  }

  async #refresh(file: DayFile, sealed: boolean): Promise<FreshIndex> {
    let ino: bigint;
    let size: number;
    try {
      const stat = statSync(file.path, { bigint: true });
      ino = stat.ino;
      size = Number(stat.size);
    } catch (err) {
      throw unreadable(file.path, err);
    }
    let index = this.#indexes.get(file.path);
    if (index !== undefined && (index.ino !== ino || index.covered > size)) index = undefined;
    let built = false;
    if (index === undefined) {
      index = loadSidecar(sidecarPath(file.path), ino, size);
      if (index !== undefined && !endsLine(file.path, index.covered)) index = undefined;
    }
    if (index === undefined) {
      index = new DayIndex(ino);
      built = true;
    }
    const before = index.covered;
    if (size > index.covered) {
      let fd: number;
      try {
        fd = openSync(file.path, "r");
      } catch (err) {
        throw unreadable(file.path, err);
      }
      try {
        await extendIndex(index, fd, size);
      } finally {
        closeSync(fd);
      }
    }
    this.#remember(file.path, index);
    if (sealed && (built || index.covered !== before)) {
      await saveSidecar(sidecarPath(file.path), index).catch(() => undefined);
    }
    return { index, tail: size - index.covered };
  }

  #remember(path: string, index: DayIndex): void {
    this.#indexes.delete(path);
    this.#indexes.set(path, index);
    for (const old of this.#indexes.keys()) {
      if (this.#indexes.size <= this.#maxDays) break;
      this.#indexes.delete(old);
    }
  }
}

/** Whether the byte before `offset` is "\n": a saved index must end where a line ends. */
function endsLine(path: string, offset: number): boolean {
  if (offset === 0) return true;
  const fd = openSync(path, "r");
  try {
    const byte = Buffer.alloc(1);
    return readSync(fd, byte, 0, 1, offset - 1) === 1 && byte[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}
