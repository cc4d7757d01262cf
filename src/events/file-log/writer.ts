// Appends lines to the day files and keeps events.log pointing at the current day.
//
// Durability and concurrency policy:
// - Each append is ONE write() of whole lines to a file opened with O_APPEND. On Linux local
//   file systems the kernel serialises O_APPEND writes to a regular file under the inode lock
//   and takes the end of the file as the offset inside that lock, so writers, even in other
//   processes, never interleave parts of lines. (PIPE_BUF is about pipes; it does not apply.)
//   A short write (disk full) is finished with further writes: the one case where lines of
//   another writer could land between; the reader reports such a line as damaged, not silently.
//   NFS gives no such guarantee: keep the audit log on a local file system.
// - fsync "interval" (default): fdatasync every `fsyncIntervalMs` when something was written,
//   on rotation and on close; a crash loses at most that interval. "always": fdatasync before
//   append() resolves. "never": left to the kernel's writeback.
// - A day file is created 0640 (its folder 0750) with O_EXCL, so exactly one process creates it
//   and sets the mode; the folder is fsynced after a creation unless fsync is "never".
// - Rotation: the clock (`now`) decides the current day; its file is created first, then
//   events.log is replaced by rename() of a fresh symlink, so events.log always names an
//   existing file and `tail -F events.log` never sees it missing.
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fdatasync,
  fstatSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  readSync,
  renameSync,
  symlinkSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { promisify } from "node:util";
import { AuditLogError } from "./errors.js";
import { DIR_MODE, FILE_MODE, dayFilePath, dayOf, type LogLayout } from "./layout.js";

export type FsyncPolicy = "always" | "interval" | "never";

export interface WriterOptions {
  now: () => Date;
  fsync: FsyncPolicy;
  fsyncIntervalMs: number;
  /** Called with the day the writer has just rotated away from. */
  onRotate?: (previousDay: string) => void;
}

const fdatasyncAsync = promisify(fdatasync);
const NEWLINE = 0x0a;

interface OpenDay {
  day: string;
  fd: number;
  dirty: boolean;
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

function ensureDir(path: string): void {
  // Only a folder we create gets our mode (despite the umask): an existing one is the operator's.
  if (mkdirSync(path, { recursive: true, mode: DIR_MODE }) !== undefined) chmodSync(path, DIR_MODE);
}

function fsyncDir(path: string): void {
  const fd = openSync(path, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, data: Buffer): void {
  let done = 0;
  while (done < data.length) done += writeSync(fd, data, done, data.length - done, null);
}

/** Opens a day file for appending, creating it 0640 when missing. */
function openDayFile(path: string, syncDir: boolean): number {
  let fd: number;
  try {
    fd = openSync(
      path,
      constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL,
      FILE_MODE,
    );
    fchmodSync(fd, FILE_MODE); // the umask may have taken bits away
    if (syncDir) fsyncDir(dirname(path));
    return fd;
  } catch (err) {
    if (errno(err) !== "EEXIST") throw openError(path, err);
  }
  try {
    fd = openSync(path, constants.O_RDWR | constants.O_APPEND);
  } catch (err) {
    throw openError(path, err);
  }
  endTornLine(fd);
  return fd;
}

/** A crash in the middle of a short write leaves a line without "\n": end it so ours start clean. */
function endTornLine(fd: number): void {
  const size = fstatSync(fd).size;
  if (size === 0) return;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  if (last[0] !== NEWLINE) writeAll(fd, Buffer.from("\n"));
}

function openError(path: string, err: unknown): AuditLogError {
  return new AuditLogError(
    `audit log: cannot open ${path} for appending (${(err as Error).message}); ` +
      "check that the folder exists and this user may write to it",
    { cause: err },
  );
}

/** Points events.log at `target` atomically: a new symlink renamed over the old one. */
function pointSymlink(link: string, target: string): void {
  try {
    if (!lstatSync(link).isSymbolicLink()) {
      throw new AuditLogError(
        `audit log: ${link} exists and is not a symlink; move it away so it can point at the current day's file`,
      );
    }
    if (readlinkSync(link) === target) return;
  } catch (err) {
    if (errno(err) !== "ENOENT") throw err;
  }
  const temp = `${dirname(link)}/.events.log.${process.pid}.${randomBytes(4).toString("hex")}`;
  symlinkSync(target, temp);
  renameSync(temp, link);
}

export class DayFileWriter {
  readonly #layout: LogLayout;
  readonly #options: WriterOptions;
  #current: OpenDay | undefined;
  /** Appends run one after another so rotation and writes keep their order. */
  #queue: Promise<void> = Promise.resolve();
  #syncing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(layout: LogLayout, options: WriterOptions) {
    this.#layout = layout;
    this.#options = options;
  }

  /** Creates the folders and today's file, and points events.log at it. */
  static open(layout: LogLayout, options: WriterOptions): DayFileWriter {
    ensureDir(layout.dir);
    ensureDir(layout.serverDir);
    const writer = new DayFileWriter(layout, options);
    writer.#rotate();
    if (options.fsync === "interval") {
      writer.#timer = setInterval(() => writer.#syncCurrent(), options.fsyncIntervalMs);
      writer.#timer.unref(); // the audit log must not keep a finished process alive
    }
    return writer;
  }

  /** Appends whole lines (each ending in "\n") to the file of `day`, in one write. */
  write(day: string, lines: Buffer): Promise<void> {
    const result = this.#queue.then(() => this.#write(day, lines));
    this.#queue = result.catch(() => undefined);
    return result;
  }

  close(): Promise<void> {
    const result = this.#queue.then(async () => {
      if (this.#closed) return;
      this.#closed = true;
      clearInterval(this.#timer);
      await this.#retire();
    });
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #write(day: string, lines: Buffer): Promise<void> {
    if (this.#closed) throw new AuditLogError("audit log: append after close");
    if (this.#current?.day !== dayOf(this.#options.now())) {
      const old = this.#current;
      this.#rotate();
      await this.#retire(old);
      if (old !== undefined) this.#options.onRotate?.(old.day);
    }
    const path = dayFilePath(this.#layout, day);
    try {
      const current = this.#current;
      if (current !== undefined && current.day === day) {
        writeAll(current.fd, lines);
        current.dirty = true;
        if (this.#options.fsync === "always") await this.#sync(current);
        return;
      }
      // Another day (an event timed just before midnight, or a late one): a short-lived fd.
      const fd = openDayFile(path, this.#options.fsync !== "never");
      try {
        writeAll(fd, lines);
        if (this.#options.fsync !== "never") await fdatasyncAsync(fd);
      } finally {
        closeSync(fd);
      }
    } catch (err) {
      if (err instanceof AuditLogError) throw err;
      throw new AuditLogError(
        `audit log: cannot append to ${path} (${(err as Error).message}); ` +
          "check the free space and that this user may write there",
        { cause: err },
      );
    }
  }

  /** Opens the clock's current day and points events.log at it (file first: never dangling). */
  #rotate(): void {
    const day = dayOf(this.#options.now());
    const path = dayFilePath(this.#layout, day);
    const fd = openDayFile(path, this.#options.fsync !== "never");
    pointSymlink(this.#layout.symlink, path);
    this.#current = { day, fd, dirty: false };
  }

  async #retire(day: OpenDay | undefined = this.#current): Promise<void> {
    if (day === undefined) return;
    if (day === this.#current) this.#current = undefined;
    await this.#syncing;
    try {
      if (day.dirty && this.#options.fsync !== "never") await this.#sync(day);
    } finally {
      closeSync(day.fd);
    }
  }

  async #sync(day: OpenDay): Promise<void> {
    day.dirty = false;
    await fdatasyncAsync(day.fd);
  }

  #syncCurrent(): void {
    const current = this.#current;
    if (current === undefined || !current.dirty || this.#syncing !== undefined) return;
    this.#syncing = this.#sync(current)
      .catch((err: unknown) => {
        // Nothing awaits the timer: mark dirty so the next tick (or close) tries again.
        current.dirty = true;
        process.emitWarning(`audit log: fdatasync failed: ${(err as Error).message}`);
      })
      .finally(() => {
        this.#syncing = undefined;
      });
  }
}
