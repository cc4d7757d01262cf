// The files of one recording being written: the index and one gzip file per kind, each appended to
// in whole gzip members. A flush writes each file's new data as members (one per queued block), so
// the files on disk are always valid gzip up to the last completed flush (docs/recordings.md,
// "Crashes").
import { mkdir, open, type FileHandle } from "node:fs/promises";
import { join } from "node:path";
import { RecordingExistsError, RecordingWriteError } from "./errors.js";
import { errorCode, fsyncDir, reasonOf, writeFully } from "./fs-util.js";
import { ByteQueue, type HeldBytes } from "./byte-queue.js";
import { gzipMember } from "./gzip-members.js";
import {
  entryLine,
  formatIndexLine,
  headerLine,
  type IndexFooter,
  type IndexLine,
} from "./index-format.js";
import { dataFileName, FILE_KINDS, indexFileName, type FileKind } from "./names.js";
import { gzipOffThread } from "./offload.js";
import type { RecordingFile } from "./types.js";

class MemberFile {
  readonly pending = new ByteQueue();
  handle: FileHandle | undefined;

  constructor(
    readonly kind: FileKind,
    readonly name: string,
    readonly path: string,
  ) {}

  async create(): Promise<void> {
    this.handle = await open(this.path, "wx", 0o600);
  }
}

// Less than this is compressed on libuv's thread pool: not worth a message to the worker thread.
const OFFLOAD_MIN_BYTES = 256 * 1024;

// Every block becomes a gzip member of its own.
async function compress(parts: Buffer[]): Promise<Buffer[]> {
  const size = parts.reduce((sum, part) => sum + part.length, 0);
  if (size >= OFFLOAD_MIN_BYTES) {
    try {
      return await gzipOffThread(parts);
    } catch {
      // The worker thread is gone (it could not start, or died): compress here instead.
    }
  }
  return Promise.all(parts.map(gzipMember));
}

export interface FileSetOptions {
  dir: string;
  sid: string;
  /** Session start, for the index header (RFC 3339). */
  startTime: string;
  /** fdatasync every file after each flush (and the folder after creating files). */
  sync: boolean;
}

export class RecordingFileSet {
  private readonly files = new Map<FileKind, MemberFile>();
  /** Kinds named by the index so far, in its order. */
  private readonly listed: FileKind[] = [];
  private queue: Promise<void> = Promise.resolve();
  private flushing = 0;
  private failure: RecordingWriteError | undefined;
  private closed = false;

  private constructor(
    private readonly options: FileSetOptions,
    private readonly index: FileHandle,
    readonly indexPath: string,
  ) {}

  /** Creates the index (header and the chunks and events entries) and the two files it names. */
  static async create(options: FileSetOptions): Promise<RecordingFileSet> {
    const { dir, sid } = options;
    const indexPath = join(dir, indexFileName(sid));
    let index: FileHandle;
    try {
      await mkdir(dir, { recursive: true, mode: 0o700 });
      index = await open(indexPath, "wx", 0o600);
    } catch (err) {
      if (errorCode(err) === "EEXIST") {
        throw new RecordingExistsError(
          `${indexPath} already exists: session ${sid} is already recorded there (session ids must be unique)`,
          { cause: err },
        );
      }
      throw new RecordingWriteError(`cannot create ${indexPath}: ${reasonOf(err)}`, { cause: err });
    }
    const set = new RecordingFileSet(options, index, indexPath);
    try {
      await set.guard(async () => {
        await set.appendIndex(headerLine(sid, options.startTime));
        for (const kind of ["chunks", "events"] as const) await set.createFile(kind);
        if (options.sync) await fsyncDir(dir);
      });
    } catch (err) {
      await set.closeFiles();
      throw err;
    }
    return set;
  }

  /** Queues bytes (chunks) or JSON lines (events files) for the next flush; copies them. */
  append(kind: FileKind, data: Uint8Array | string): void {
    if (this.failure) throw this.failure;
    const { pending } = this.file(kind);
    if (typeof data === "string") pending.appendText(data);
    else pending.append(data);
  }

  /** Queues bytes like append, and keeps the queued copy readable until it is released. */
  appendHeld(kind: FileKind, data: Uint8Array): HeldBytes {
    if (this.failure) throw this.failure;
    return this.file(kind).pending.appendHeld(data);
  }

  get pendingBytes(): number {
    let total = 0;
    for (const file of this.files.values()) total += file.pending.length;
    return total;
  }

  /** Bytes held in memory for the files: queued, or taken by the flush in progress. */
  get backlogBytes(): number {
    return this.pendingBytes + this.flushing;
  }

  /** True once a write failed: every later call throws. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  /** The data files named by the index so far. */
  listedFiles(): RecordingFile[] {
    return this.listed.map((kind) => {
      const file = this.file(kind);
      return { kind, name: file.name, path: file.path };
    });
  }

  /** Writes everything appended so far as one gzip member per file. Flushes run one at a time. */
  flush(): Promise<void> {
    const run = this.queue.then(() => this.guard(() => this.flushNow()));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Final flush, the footer line, and close. */
  async finish(footer: IndexFooter): Promise<void> {
    await this.flush();
    await this.guard(async () => {
      await this.appendIndex(footer);
      await this.closeFiles();
      if (this.options.sync) await fsyncDir(this.options.dir);
    });
  }

  /** Closes the files without writing what is still queued (what a crash would leave). */
  async close(): Promise<void> {
    await this.queue;
    await this.closeFiles();
  }

  private file(kind: FileKind): MemberFile {
    let file = this.files.get(kind);
    if (!file) {
      const name = dataFileName(this.options.sid, kind);
      file = new MemberFile(kind, name, join(this.options.dir, name));
      this.files.set(kind, file);
    }
    return file;
  }

  private async guard(step: () => Promise<void>): Promise<void> {
    if (this.failure) throw this.failure;
    try {
      await step();
    } catch (err) {
      // After a failed write the files end at the last good member; stop so none is half-made.
      this.failure = new RecordingWriteError(
        `cannot write the recording of session ${this.options.sid} in ${this.options.dir}: ${reasonOf(err)} (what was written so far stays there and is recovered at the next start)`,
        { cause: err },
      );
      throw this.failure;
    }
  }

  private async appendIndex(line: IndexLine): Promise<void> {
    await writeFully(this.index, Buffer.from(formatIndexLine(line)));
    if (this.options.sync) await this.index.datasync();
  }

  // The index names a file before the file exists, so a file on disk is always listed.
  private async createFile(kind: FileKind): Promise<MemberFile> {
    const file = this.file(kind);
    await this.appendIndex(entryLine(this.options.sid, kind));
    this.listed.push(kind);
    await file.create();
    return file;
  }

  private async flushNow(): Promise<void> {
    const batches: { kind: FileKind; queued: HeldBytes }[] = [];
    for (const kind of FILE_KINDS) {
      const queued = this.files.get(kind)?.pending.take();
      if (queued) batches.push({ kind, queued });
    }
    if (batches.length === 0) return;
    for (const { queued } of batches) for (const part of queued.parts) this.flushing += part.length;
    try {
      await this.writeBatches(batches);
    } finally {
      this.flushing = 0;
    }
  }

  private async writeBatches(batches: { kind: FileKind; queued: HeldBytes }[]): Promise<void> {
    let members: Buffer[][];
    try {
      members = await Promise.all(batches.map((b) => compress(b.queued.parts)));
    } finally {
      for (const batch of batches) batch.queued.release();
    }
    let created = false;
    // FILE_KINDS order: chunks first, events last, so a print on disk has its bytes on disk.
    for (const [i, batch] of batches.entries()) {
      let file = this.file(batch.kind);
      if (!file.handle) {
        file = await this.createFile(batch.kind);
        created = true;
      }
      const handle = file.handle;
      if (!handle) continue;
      for (const member of members[i] ?? []) await writeFully(handle, member);
      if (this.options.sync) await handle.datasync();
    }
    if (created && this.options.sync) await fsyncDir(this.options.dir);
  }

  private async closeFiles(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const handles = [this.index, ...[...this.files.values()].map((f) => f.handle)];
    for (const file of this.files.values()) file.handle = undefined;
    await Promise.all(handles.map((h) => h?.close()));
  }
}
