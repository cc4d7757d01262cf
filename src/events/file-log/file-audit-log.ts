// The file audit log of DESIGN §5: append events, search them, close.
import { eventJsonLine } from "../enhanced.js";
import type { AuditEvent } from "../model.js";
import { parseAuditEvent } from "../parse.js";
import { AuditLogError } from "./errors.js";
import { IndexCache } from "./index-cache.js";
import { dayOfTime, logLayout, type LogLayout } from "./layout.js";
import type { AuditSearchQuery } from "./query.js";
import { AuditLogSearcher, type AuditSearchResult } from "./search.js";
import { DayFileWriter, type FsyncPolicy } from "./writer.js";

export interface FileAuditLogReaderOptions {
  /** The audit log folder, e.g. <data_dir>/log. */
  dir: string;
  /** The auth server's UUID: its day files are in <dir>/<serverId>/. */
  serverId: string;
  /** The clock (injected by tests): decides the current day. */
  now?: () => Date;
  /** Day files whose line index stays in memory (most recently used); default 62. */
  maxCachedDays?: number;
}

export interface FileAuditLogOptions extends FileAuditLogReaderOptions {
  /** When appended lines reach the disk; see writer.ts. Default "interval". */
  fsync?: FsyncPolicy;
  /** Period of fsync "interval", default 1000 ms. */
  fsyncIntervalMs?: number;
}

/** Searches a file audit log, possibly written by other processes; never writes events. */
export class FileAuditLogReader {
  readonly layout: LogLayout;
  readonly #searcher: AuditLogSearcher;

  constructor(options: FileAuditLogReaderOptions) {
    this.layout = logLayout(options.dir, options.serverId);
    const cache = new IndexCache(options.maxCachedDays ?? 62);
    this.#searcher = new AuditLogSearcher(this.layout, cache, options.now ?? (() => new Date()));
  }

  search(query: AuditSearchQuery): Promise<AuditSearchResult> {
    return this.#searcher.search(query);
  }

  /**
   * Builds (or brings up to date) the line index of a day ("YYYY-MM-DD") and, for a past day,
   * saves it beside the file, so the first search of that day need not read the whole file.
   */
  indexDay(day: string): Promise<void> {
    return this.#searcher.indexDay(day);
  }
}

export class FileAuditLog extends FileAuditLogReader {
  readonly #writer: DayFileWriter;
  /** Indexing of days the writer rotated away from; close() waits for it. */
  #indexing: Promise<void> = Promise.resolve();

  private constructor(options: FileAuditLogOptions) {
    super(options);
    this.#writer = DayFileWriter.open(this.layout, {
      now: options.now ?? (() => new Date()),
      fsync: options.fsync ?? "interval",
      fsyncIntervalMs: options.fsyncIntervalMs ?? 1000,
      // A finished day is indexed in the background, so that searches (even by a process that
      // starts later) find its index saved instead of reading the whole day.
      onRotate: (day) => {
        this.#indexing = this.#indexing.then(() => this.indexDay(day)).catch(() => undefined);
      },
    });
  }

  /** Creates the folders and today's file, and points events.log at it. */
  static async open(options: FileAuditLogOptions): Promise<FileAuditLog> {
    return new FileAuditLog(options);
  }

  /**
   * Appends events, each to the file of its own time's UTC day, as canonical JSON lines: one
   * write per day file touched. The batch is checked first; if any event is invalid nothing
   * is written.
   */
  async append(events: readonly AuditEvent[]): Promise<void> {
    const byDay = new Map<string, string[]>();
    events.forEach((event, n) => {
      try {
        parseAuditEvent(event);
      } catch (err) {
        throw new AuditLogError(
          `audit log: nothing appended: event ${n} of ${events.length}: ${(err as Error).message}`,
          { cause: err },
        );
      }
      const day = dayOfTime(event.time);
      const lines = byDay.get(day) ?? [];
      lines.push(eventJsonLine(event));
      byDay.set(day, lines);
    });
    for (const [day, lines] of byDay) await this.#writer.write(day, Buffer.from(lines.join("")));
  }

  /** Writes what is pending to disk (unless fsync is "never") and closes the files. */
  async close(): Promise<void> {
    await this.#writer.close();
    await this.#indexing;
  }
}
