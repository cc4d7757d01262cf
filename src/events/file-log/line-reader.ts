// Reads indexed lines of one day file through a window of the file, so that a run of nearby
// lines (the usual case: lines sorted by time are nearly in file order) costs one read. Reads
// are synchronous: a 16 KB read from the page cache takes microseconds, less than a thread-pool
// round trip.
import { closeSync, openSync, readSync } from "node:fs";
import { AuditLogError } from "./errors.js";

// Small enough that a sparse query (one session's events) reads little per line, large enough
// that a dense page is a few reads.
const WINDOW = 16 * 1024;

export class LineReader {
  readonly #path: string;
  /** Reads go forward (window after the line) or backward (window before it). */
  readonly #forward: boolean;
  #fd: number | undefined;
  /** Reused for every read: lines leave it as strings. */
  #buffer: Buffer = Buffer.alloc(0);
  #window: Buffer = Buffer.alloc(0);
  #start = 0;

  constructor(path: string, forward: boolean) {
    this.#path = path;
    this.#forward = forward;
  }

  line(offset: number, length: number): string {
    const end = offset + length;
    if (offset < this.#start || end > this.#start + this.#window.length) this.#fill(offset, length);
    return this.#window.toString("utf8", offset - this.#start, end - this.#start);
  }

  #fill(offset: number, length: number): void {
    this.#fd ??= openSync(this.#path, "r");
    const size = Math.max(length, WINDOW);
    const start = this.#forward ? offset : Math.max(0, offset + length - size);
    if (this.#buffer.length < size) this.#buffer = Buffer.allocUnsafe(size);
    const bytesRead = readSync(this.#fd, this.#buffer, 0, size, start);
    if (start + bytesRead < offset + length) {
      throw new AuditLogError(
        `audit log: ${this.#path} is shorter than its index says (${offset + length} bytes); ` +
          "day files must only be appended to: restore it or move it out of the log folder",
      );
    }
    this.#window = this.#buffer.subarray(0, bytesRead);
    this.#start = start;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
