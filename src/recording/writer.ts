// RecordingWriter: used on the node while a session runs. Every event of the session goes through
// it; it numbers events (ei), chains their hashes (chain-queue.ts), routes them to their file and
// writes the files incrementally (docs/recordings.md).
import { eventTime } from "../events/index.js";
import {
  EventSequenceError,
  InvalidEventError,
  RecordingClosedError,
  RecordingWriteError,
} from "./errors.js";
import { RecordingFileSet } from "./file-set.js";
import { reasonOf } from "./fs-util.js";
import { ChainQueue } from "./chain-queue.js";
import type { IndexFooter } from "./index-format.js";
import { assertSafeName, fileKindOfEvent } from "./names.js";
import { MAX_PRINT, OpenPrint, PRINT_WINDOW_MS } from "./open-print.js";
import type { CompletedRecording, StoredEvent, WrittenEvent, WrittenPrint } from "./types.js";

export interface RecordingWriterOptions {
  /** Folder of the recording: on a node, uploadDir(dataDir). Created when missing. */
  dir: string;
  sid: string;
  /** Session start: print events' `ms` count from here. */
  startTime: Date;
  /** Longest time written data waits in memory before it goes to disk (default 1000 ms). */
  flushIntervalMs?: number;
  /** Queued bytes that start a flush before the interval is over (default 1 MiB). */
  maxPendingBytes?: number;
  /** fdatasync after each flush (default true), so a power loss loses no more than a crash. */
  sync?: boolean;
  /**
   * Told when a background flush fails (a full disk). From then on nothing more reaches the
   * files: queued output is dropped, queued events are still numbered, hashed and handed to
   * their `done`, and complete() throws the error. A session keeps running.
   */
  onError?: (err: RecordingWriteError) => void;
}

/** What writeEvent takes: any JSON-able event with a name; `ei` and `hash` are the writer's. */
export interface EventInput {
  event: string;
  /** When given it must be the next ei of the session (see `nextEi`). */
  ei?: number;
  /** A Date is written in Teleport's RFC 3339 form. */
  time?: string | Date;
}

const DEFAULT_FLUSH_INTERVAL_MS = 1000;
const DEFAULT_MAX_PENDING_BYTES = 1 << 20;
/**
 * Output held in memory for the files beyond which `backlogged` says to wait: the disk or the
 * compression is slower than the session's output (incompressible output compresses at tens of
 * MiB/s).
 */
const MAX_BACKLOG_BYTES = 16 << 20;

function countsObject(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export class RecordingWriter {
  private nextIndex = 0;
  private readonly chain = new ChainQueue((event, line) => this.hashed(event, line));
  private chunkBytes = 0;
  private open: OpenPrint | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  private drainWaiters: (() => void)[] = [];
  private prints = 0;
  private readonly counts = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private sizeFlush: Promise<void> | undefined;
  private closed = false;
  private readonly flushIntervalMs: number;
  private readonly maxPendingBytes: number;

  private constructor(
    private readonly options: RecordingWriterOptions,
    private readonly files: RecordingFileSet,
  ) {
    this.flushIntervalMs = options.flushIntervalMs ?? DEFAULT_FLUSH_INTERVAL_MS;
    this.maxPendingBytes = options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
  }

  /** Creates the index and the chunks and events files; fails if the session is already recorded there. */
  static async create(options: RecordingWriterOptions): Promise<RecordingWriter> {
    assertSafeName(options.sid, "session id");
    if (Number.isNaN(options.startTime.getTime())) {
      throw new InvalidEventError(`session ${options.sid}: startTime is not a valid date`);
    }
    const files = await RecordingFileSet.create({
      dir: options.dir,
      sid: options.sid,
      startTime: eventTime(options.startTime),
      sync: options.sync ?? true,
    });
    return new RecordingWriter(options, files);
  }

  get sid(): string {
    return this.options.sid;
  }

  get indexPath(): string {
    return this.files.indexPath;
  }

  /** The ei the next event gets. */
  get nextEi(): number {
    return this.nextIndex;
  }

  /** Events written so far and bytes of terminal output. */
  get stats(): { events: number; chunkBytes: number } {
    return { events: this.nextIndex, chunkBytes: this.chunkBytes };
  }

  /** Records terminal output printed at `time` as one print event; returns it with its hash. */
  writePrint(bytes: Uint8Array, time: Date): WrittenPrint {
    this.assertOpen();
    this.closePrint();
    const out: { print?: WrittenPrint } = {};
    this.openPrint(time).append(this.files.appendHeld("chunks", bytes), bytes.length);
    this.chunkBytes += bytes.length;
    this.closePrint((print) => (out.print = print));
    this.chain.resolve(true);
    if (!out.print) throw new Error("RecordingWriter: a forced hash chain left a print unhashed");
    return out.print;
  }

  /**
   * Records terminal output printed at `time`, without waiting for its hash. Output queued
   * within PRINT_WINDOW_MS becomes one print event (up to MAX_PRINT bytes; any other event ends
   * it), stamped with the time of its first bytes (open-print.ts). A large print is hashed on a
   * worker thread. The bytes are copied: the caller may reuse its buffer.
   */
  queuePrint(bytes: Uint8Array, time: Date): void {
    this.assertOpen();
    this.assertTime(time);
    if (this.files.failed) return;
    if (this.open && this.open.bytes + bytes.length > MAX_PRINT) this.closePrint();
    (this.open ?? this.openPrint(time)).append(
      this.files.appendHeld("chunks", bytes),
      bytes.length,
    );
    this.chunkBytes += bytes.length;
    if (!this.closeTimer) {
      this.closeTimer = setTimeout(() => this.closePrint(), PRINT_WINDOW_MS);
      // complete() closes it as well.
      this.closeTimer.unref();
    }
    this.schedule();
  }

  /**
   * True while more output waits in memory to be written than MAX_BACKLOG_BYTES: a producer that
   * can wait (a session's program) should stop until `drained()`, so memory stays bounded.
   */
  get backlogged(): boolean {
    return this.files.backlogBytes >= MAX_BACKLOG_BYTES;
  }

  /** Resolves once the backlog is down to half of MAX_BACKLOG_BYTES (at once when it is). */
  drained(): Promise<void> {
    if (this.canResume()) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Records a session event (session.start, resize, session.command, …); returns it with ei and hash. */
  writeEvent<E extends EventInput>(input: E): WrittenEvent {
    const out: { event?: WrittenEvent } = {};
    this.queueEvent(input, (event) => (out.event = event));
    this.chain.resolve(true);
    if (!out.event) throw new Error("RecordingWriter: a forced hash chain left an event unhashed");
    return out.event;
  }

  /**
   * Records a session event after the prints before it are hashed (see queuePrint); `done` gets
   * it with its ei and hash. Checks it now.
   */
  queueEvent<E extends EventInput>(input: E, done?: (event: WrittenEvent) => void): void {
    this.assertOpen();
    this.closePrint();
    const fields = this.normalize(input);
    this.nextIndex += 1;
    this.chain.event(fields, done);
    this.schedule();
  }

  /** Writes everything written so far to disk; resolves once it is there. */
  async flush(): Promise<void> {
    this.assertOpen();
    this.clearTimer();
    this.closePrint();
    await this.chain.settle();
    try {
      await this.files.flush();
    } finally {
      this.wakeDrained();
    }
  }

  /**
   * Final flush and the index footer; the recording is then ready to upload. When a write
   * fails, the files are closed as they are (recoverUnfinished completes them) and it throws.
   */
  async complete(): Promise<CompletedRecording> {
    this.assertOpen();
    this.closed = true;
    this.clearTimer();
    this.closePrint();
    this.wakeDrained();
    await this.chain.settle();
    const lastEi = this.nextIndex - 1;
    const footer: IndexFooter = {
      type: "footer",
      last_ei: lastEi,
      final_hash: this.chain.lastHash,
      events: this.nextIndex,
      event_counts: countsObject(this.counts),
      chunk_bytes: this.chunkBytes,
      completed_at: eventTime(new Date()),
    };
    try {
      await this.files.finish(footer);
    } catch (err) {
      await this.files.close();
      throw err;
    }
    return {
      sid: this.sid,
      dir: this.options.dir,
      indexPath: this.files.indexPath,
      files: this.files.listedFiles(),
      lastEi,
      finalHash: this.chain.lastHash,
      events: this.nextIndex,
      eventCounts: footer.event_counts,
      chunkBytes: this.chunkBytes,
      recovered: false,
    };
  }

  /**
   * Stops without completing: data not yet flushed is dropped and no footer is written, which is
   * what a crash leaves. The files stay; recoverUnfinished completes them at the next start.
   */
  async abort(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clearTimer();
    this.open?.release();
    this.open = undefined;
    this.chain.drop();
    this.wakeDrained();
    await this.files.close();
  }

  private assertTime(time: Date): void {
    if (Number.isNaN(time.getTime())) {
      throw new InvalidEventError(`session ${this.sid}: print at an invalid time`);
    }
  }

  private assertOpen(): void {
    if (this.closed) {
      throw new RecordingClosedError(
        `the recording of session ${this.sid} is already completed or aborted: no more events can be written`,
      );
    }
  }

  // The stored event is what JSON keeps of the input, so that hashing what was written and
  // hashing what is read back give the same result.
  private normalize(input: EventInput): StoredEvent {
    const name: unknown = input.event;
    if (typeof name !== "string" || name === "") {
      throw new InvalidEventError(`session ${this.sid}: an event needs a non-empty "event" name`);
    }
    if (name === "print") {
      throw new InvalidEventError(
        `session ${this.sid}: write terminal output with writePrint, not writeEvent`,
      );
    }
    if (input.ei !== undefined && input.ei !== this.nextIndex) {
      throw new EventSequenceError(
        `session ${this.sid}: event ${name} has ei=${String(input.ei)} but the next event is ei=${this.nextIndex}: write events in ei order, or leave ei out and let the writer number them`,
      );
    }
    if (input.time instanceof Date && Number.isNaN(input.time.getTime())) {
      throw new InvalidEventError(`session ${this.sid}: event ${name} has an invalid time`);
    }
    const time = input.time instanceof Date ? eventTime(input.time) : input.time;
    let json: unknown;
    try {
      json = JSON.parse(JSON.stringify({ ...input, time }));
    } catch (err) {
      throw new InvalidEventError(
        `session ${this.sid}: event ${name} cannot be stored as JSON: ${reasonOf(err)}`,
        { cause: err },
      );
    }
    if (typeof json !== "object" || json === null || Array.isArray(json)) {
      throw new InvalidEventError(`session ${this.sid}: event ${name} is not a JSON object`);
    }
    const source: Record<string, unknown> = { ...json, event: name, ei: this.nextIndex };
    // Keys in canonical order, so that hashing and writing it need not sort a copy.
    const fields: Record<string, unknown> = {};
    for (const key of Object.keys(source).sort()) if (key !== "hash") fields[key] = source[key];
    return { ...fields, event: name, ei: this.nextIndex };
  }

  // A print event starting now: it takes the next ei, and the bytes appended to it follow in the
  // chunks stream.
  private openPrint(time: Date): OpenPrint {
    this.assertTime(time);
    const open = new OpenPrint({
      bytes: 0,
      ci: this.prints,
      ei: this.nextIndex,
      event: "print",
      ms: Math.max(0, time.getTime() - this.options.startTime.getTime()),
      offset: this.chunkBytes,
      time: eventTime(time),
    });
    this.nextIndex += 1;
    this.prints += 1;
    this.open = open;
    return open;
  }

  private closePrint(done?: (print: WrittenPrint) => void): void {
    if (this.closeTimer) clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    this.chain.print(open.fields(), open.bytesHeld(), done);
  }

  private hashed(event: WrittenEvent, line: string): void {
    // After a failed write the event still goes to its `done` (to auth), only not to disk.
    if (!this.files.failed) this.files.append(fileKindOfEvent(event.event), line);
    this.counts.set(event.event, (this.counts.get(event.event) ?? 0) + 1);
    this.schedule();
  }

  private schedule(): void {
    // A failed file set refuses every flush: retrying would spin.
    if (this.closed || this.files.failed) return;
    if (this.files.pendingBytes >= this.maxPendingBytes && !this.sizeFlush) {
      this.sizeFlush = this.background().finally(() => {
        this.sizeFlush = undefined;
        // Output queued during that flush goes next, also while its producer waits in drained().
        this.schedule();
      });
    }
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.background();
      }, this.flushIntervalMs);
      // A forgotten writer must not keep the process alive; complete() flushes what is left.
      this.timer.unref();
    }
  }

  private async background(): Promise<void> {
    try {
      await this.files.flush();
    } catch (err) {
      // The file set keeps the error and throws it at the next call; tell the owner now.
      if (err instanceof RecordingWriteError) this.options.onError?.(err);
    } finally {
      this.wakeDrained();
    }
  }

  private canResume(): boolean {
    return this.closed || this.files.failed || this.files.backlogBytes < MAX_BACKLOG_BYTES / 2;
  }

  private wakeDrained(): void {
    if (this.drainWaiters.length === 0 || !this.canResume()) return;
    const waiters = this.drainWaiters;
    this.drainWaiters = [];
    for (const wake of waiters) wake();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
