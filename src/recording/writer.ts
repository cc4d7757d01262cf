// RecordingWriter: used on the node while a session runs. Every event of the session goes through
// it; it numbers events (ei), chains their hashes, routes them to their file and writes the files
// incrementally (docs/recordings.md).
import { canonicalJson, eventTime } from "../events/index.js";
import {
  EventSequenceError,
  InvalidEventError,
  RecordingClosedError,
  RecordingWriteError,
} from "./errors.js";
import { RecordingFileSet } from "./file-set.js";
import { reasonOf } from "./fs-util.js";
import { chainHash } from "./hash.js";
import type { IndexFooter } from "./index-format.js";
import { assertSafeName, fileKindOfEvent } from "./names.js";
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
  /** Told when a background flush fails (the next call on the writer throws the same error). */
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

function countsObject(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export class RecordingWriter {
  private nextIndex = 0;
  private previousHash = "";
  private chunkBytes = 0;
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

  /** Records terminal output printed at `time`. */
  writePrint(bytes: Uint8Array, time: Date): WrittenPrint {
    this.assertOpen();
    if (Number.isNaN(time.getTime())) {
      throw new InvalidEventError(`session ${this.sid}: print at an invalid time`);
    }
    // Copied: the caller may reuse its buffer before the flush.
    const data = Buffer.from(bytes);
    const fields = {
      event: "print" as const,
      ei: this.nextIndex,
      time: eventTime(time),
      bytes: data.length,
      ms: Math.max(0, time.getTime() - this.options.startTime.getTime()),
      offset: this.chunkBytes,
      ci: this.prints,
    };
    const print: WrittenPrint = { ...fields, hash: chainHash(this.previousHash, fields, data) };
    this.files.append("chunks", data);
    this.files.append("events", Buffer.from(`${canonicalJson(print)}\n`));
    this.chunkBytes += data.length;
    this.prints += 1;
    this.accept(print);
    return print;
  }

  /** Records a session event (session.start, resize, session.command, …); returns it with ei and hash. */
  writeEvent<E extends EventInput>(input: E): WrittenEvent {
    this.assertOpen();
    const fields = this.normalize(input);
    const event: WrittenEvent = {
      ...fields,
      hash: chainHash(this.previousHash, fields, undefined),
    };
    this.files.append(fileKindOfEvent(event.event), Buffer.from(`${canonicalJson(event)}\n`));
    this.accept(event);
    return event;
  }

  /** Writes everything written so far to disk; resolves once it is there. */
  async flush(): Promise<void> {
    this.assertOpen();
    this.clearTimer();
    await this.files.flush();
  }

  /** Final flush and the index footer; the recording is then ready to upload. */
  async complete(): Promise<CompletedRecording> {
    this.assertOpen();
    this.closed = true;
    this.clearTimer();
    const lastEi = this.nextIndex - 1;
    const footer: IndexFooter = {
      type: "footer",
      last_ei: lastEi,
      final_hash: this.previousHash,
      events: this.nextIndex,
      event_counts: countsObject(this.counts),
      chunk_bytes: this.chunkBytes,
      completed_at: eventTime(new Date()),
    };
    await this.files.finish(footer);
    return {
      sid: this.sid,
      dir: this.options.dir,
      indexPath: this.files.indexPath,
      files: this.files.listedFiles(),
      lastEi,
      finalHash: this.previousHash,
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
    await this.files.close();
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
    const fields: Record<string, unknown> = { ...json };
    delete fields.hash;
    return { ...fields, event: name, ei: this.nextIndex };
  }

  private accept(event: WrittenEvent): void {
    this.previousHash = event.hash;
    this.nextIndex += 1;
    this.counts.set(event.event, (this.counts.get(event.event) ?? 0) + 1);
    this.schedule();
  }

  private schedule(): void {
    if (this.files.pendingBytes >= this.maxPendingBytes && !this.sizeFlush) {
      this.sizeFlush = this.background().finally(() => {
        this.sizeFlush = undefined;
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
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
