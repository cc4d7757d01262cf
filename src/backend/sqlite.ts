// The embedded Backend: one SQLite file (e.g. <data_dir>/backend.db) that the auth server and
// a tctl on the same host may open at the same time.
//
// Settings:
// - WAL journal: readers never block the writer nor the writer readers, and a second process
//   (tctl) can read while auth writes.
// - synchronous=NORMAL: with WAL, SQLite then syncs the WAL at checkpoints, not at every
//   commit. A commit is still atomic and survives the process crashing (it is in the WAL file,
//   in the page cache); only a power loss or kernel crash can roll back the last commits since
//   the previous sync, and never corrupts the file. Our state tolerates that: heartbeats and
//   presence are rewritten within seconds, and an operator's change that is lost this way was
//   made moments before the machine went down. It makes each write a few times cheaper.
// - busy_timeout: only one process writes at a time. Another that wants to write waits (up
//   to busyTimeoutMs, default 10 s) instead of failing at once. better-sqlite3 is synchronous,
//   so that wait blocks this process's event loop; transactions here are short, so in practice
//   it is milliseconds.
// - Every write is one IMMEDIATE transaction (the write lock is taken at BEGIN): a deferred one
//   that read first would fail with SQLITE_BUSY, without waiting, when another process wrote
//   in between.
//
// Watch guarantees:
// - A watcher gets the puts and deletes of keys under its prefix committed after watch()
//   returned, by this instance and by any other process (or instance) using the same file,
//   expiries included (the sweep of whichever process removes an expired item reports it).
// - Events are delivered in commit order across all writers, each exactly once, never inside
//   the call that made the write: from a later turn of the event loop (setImmediate), after
//   that call's promise has resolved.
// - Writes by this instance are delivered with their values as written. Writes by others are
//   read from the `changes` log every pollIntervalMs (250 ms) while there are watchers, and at
//   each write by this instance; for them, a put whose key was written again before the read
//   is left out (the later write follows), so a watcher sees every key's latest state but not
//   necessarily every intermediate value.
// - The log keeps the last 10,000 changes or 10 minutes of them, whichever is more. A process
//   that stops reading for longer (suspended, say) misses changes: it reports that through
//   onError, and watchers should then re-read what they watch.
// - After close() (of the watcher or the backend) no callback runs, even for queued events.
// - Register the watcher first, then read the current state: a write in between shows up both
//   in the read and as an event, and applying it twice is harmless.
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { AlreadyExistsError, BackendError, CompareFailedError, NotFoundError } from "./errors.js";
import { checkKey, checkPrefix, expiryMs, prefixEnd } from "./keys.js";
import { ChangeLog } from "./sqlite-changes.js";
import { prepareDatabaseFile, sqliteError, tightenCompanionFiles } from "./sqlite-file.js";
import { ItemStatements, toItem, type KeyRange, type NewItem } from "./sqlite-items.js";
import { migrate } from "./sqlite-schema.js";
import type { Backend, Item, PutOptions, WatchEvent, Watcher } from "./types.js";
import { WatchDispatcher } from "./watchers.js";

export interface SqliteBackendOptions {
  /** The database file; its folder must exist. Created (mode 0600) when missing. */
  path: string;
  /** The clock that decides expiry (tests inject one). Default: the system clock. */
  now?: () => Date;
  /** How often expired items are deleted (and their delete events sent). Default 1000 ms. */
  expiryIntervalMs?: number;
  /** How often watchers look for changes by other processes. Default 250 ms. */
  pollIntervalMs?: number;
  /** How long a write waits for another process's write to finish. Default 10,000 ms. */
  busyTimeoutMs?: number;
  /**
   * Receives errors no call can return: a failed background sweep or poll, changes missed by
   * watchers, and whatever a watch callback throws. Default: process.emitWarning.
   */
  onError?: (error: unknown) => void;
}

const DEFAULT_EXPIRY_INTERVAL_MS = 1000;
const DEFAULT_POLL_INTERVAL_MS = 250;
const DEFAULT_BUSY_TIMEOUT_MS = 10_000;
/** The change log keeps this many rows, or this much time, whichever is more. */
const CHANGES_KEEP_ROWS = 10_000;
const CHANGES_KEEP_MS = 10 * 60_000;
/** The log is trimmed once every this many sweeps. */
const TRIM_EVERY_SWEEPS = 10;

/** What a write transaction returns: the caller's result and the events to send after commit. */
interface WriteOutcome<T> {
  result: T;
  events: WatchEvent[];
}

function defaultOnError(error: unknown): void {
  process.emitWarning(error instanceof Error ? error : String(error));
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new BackendError(`${name} must be a positive number of milliseconds, not ${value}`);
  }
  return value;
}

function checkValue(key: string, value: string): void {
  if (typeof value !== "string") throw new BackendError(`the value for ${key} must be a string`);
}

function rangeOf(prefix: string): KeyRange {
  return { start: prefix, end: prefixEnd(prefix) };
}

export class SqliteBackend implements Backend {
  /** Tells this instance's rows in the change log from those of other processes. */
  private readonly writer = randomUUID();
  private readonly items: ItemStatements;
  private readonly changes: ChangeLog;
  private readonly dispatcher: WatchDispatcher;
  private readonly transaction: Database.Transaction<(fn: () => unknown) => unknown>;
  private readonly now: () => Date;
  private readonly pollIntervalMs: number;
  private readonly busyTimeoutMs: number;
  private readonly onError: (error: unknown) => void;
  private readonly sweepTimer: NodeJS.Timeout;
  private pollTimer: NodeJS.Timeout | undefined;
  /** The last change-log id delivered to watchers (meaningful while there are watchers). */
  private lastChangeId = 0;
  private sweeps = 0;
  private closed = false;

  /** Use openSqliteBackend(). */
  constructor(
    private readonly db: Database.Database,
    readonly path: string,
    options: Required<Omit<SqliteBackendOptions, "path">>,
  ) {
    this.now = options.now;
    this.pollIntervalMs = options.pollIntervalMs;
    this.busyTimeoutMs = options.busyTimeoutMs;
    this.onError = options.onError;
    this.items = new ItemStatements(db);
    this.changes = new ChangeLog(db);
    this.dispatcher = new WatchDispatcher((error) => this.report(error));
    this.transaction = db.transaction((fn: () => unknown) => fn());
    // unref: a forgotten close() must not keep the process alive.
    this.sweepTimer = setInterval(() => this.sweepTick(), options.expiryIntervalMs).unref();
  }

  async get(key: string): Promise<Item | undefined> {
    checkKey(key);
    return this.read(() => this.items.get(key, this.nowMs()));
  }

  async getRange(prefix: string): Promise<Item[]> {
    checkPrefix(prefix);
    return this.read(() => this.items.range(rangeOf(prefix), this.nowMs()));
  }

  async put(key: string, value: string, options?: PutOptions): Promise<Item> {
    const row = this.newItem(key, value, options);
    return this.write((now) => {
      row.revision = this.items.nextRevisions(1);
      this.items.put(row);
      this.changes.append(key, "put", row.revision, this.writer, now);
      return { result: toItem(row), events: [{ type: "put", item: toItem(row) }] };
    });
  }

  async create(key: string, value: string, options?: PutOptions): Promise<Item> {
    const row = this.newItem(key, value, options);
    return this.write((now) => {
      row.revision = this.items.nextRevisions(1);
      if (!this.items.create(row, now)) throw new AlreadyExistsError(key);
      this.changes.append(key, "put", row.revision, this.writer, now);
      return { result: toItem(row), events: [{ type: "put", item: toItem(row) }] };
    });
  }

  async compareAndSwap(
    key: string,
    expectedRevision: number,
    value: string,
    options?: PutOptions,
  ): Promise<Item> {
    const row = this.newItem(key, value, options);
    if (!Number.isSafeInteger(expectedRevision)) {
      throw new BackendError(
        `the expected revision for ${key} must be an integer (an Item's revision), not ${expectedRevision}`,
      );
    }
    return this.write((now) => {
      row.revision = this.items.nextRevisions(1);
      if (!this.items.replaceIfRevision(row, expectedRevision, now)) {
        // Thrown inside the transaction: it rolls back, and the revision is not used up.
        const current = this.items.get(key, now);
        if (current === undefined) throw new NotFoundError(key);
        throw new CompareFailedError(key, expectedRevision, current.revision);
      }
      this.changes.append(key, "put", row.revision, this.writer, now);
      return { result: toItem(row), events: [{ type: "put", item: toItem(row) }] };
    });
  }

  async delete(key: string): Promise<boolean> {
    checkKey(key);
    return this.write((now) => {
      // An expired item is already absent: the sweep removes it and reports its deletion.
      if (!this.items.delete(key, now)) return { result: false, events: [] };
      this.changes.append(key, "delete", this.items.nextRevisions(1), this.writer, now);
      return { result: true, events: [{ type: "delete", key }] };
    });
  }

  async deleteRange(prefix: string): Promise<number> {
    checkPrefix(prefix);
    const range = rangeOf(prefix);
    return this.write((now) => {
      const keys = this.items.range(range, now).map((item) => item.key);
      if (keys.length === 0) return { result: 0, events: [] };
      this.items.deleteRange(range, now);
      return { result: keys.length, events: this.logDeletes(keys, now) };
    });
  }

  watch(prefix: string, onEvent: (event: WatchEvent) => void): Watcher {
    this.checkOpen();
    checkPrefix(prefix);
    try {
      // The new watcher starts at the log's current end: deliver to the existing watchers
      // what comes before it, or, with none, start reading from there.
      if (this.dispatcher.size > 0) this.catchUp();
      else this.lastChangeId = this.changes.lastId();
    } catch (error) {
      throw sqliteError(this.path, error, this.busyTimeoutMs);
    }
    const watcher = this.dispatcher.add(prefix, onEvent, () => {
      if (this.dispatcher.size === 0) this.stopPolling();
    });
    if (this.pollTimer === undefined) {
      this.pollTimer = setInterval(() => this.pollTick(), this.pollIntervalMs).unref();
    }
    return watcher;
  }

  /** Stops the timers and watchers and closes the file. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    this.stopPolling();
    this.dispatcher.closeAll();
    try {
      this.db.close();
    } catch (error) {
      throw sqliteError(this.path, error, this.busyTimeoutMs);
    }
  }

  private nowMs(): number {
    return this.now().getTime();
  }

  private checkOpen(): void {
    if (this.closed) throw new BackendError(`the backend on ${this.path} is closed`);
  }

  /** Validates a write's arguments; the revision is filled in inside the transaction. */
  private newItem(key: string, value: string, options: PutOptions | undefined): NewItem {
    checkKey(key);
    checkValue(key, value);
    return { key, value, expires: expiryMs(key, options?.expires), revision: 0 };
  }

  private read<T>(fn: () => T): T {
    this.checkOpen();
    try {
      return fn();
    } catch (error) {
      throw sqliteError(this.path, error, this.busyTimeoutMs);
    }
  }

  /** Runs `op` in an IMMEDIATE transaction, then queues its events for the watchers. */
  private write<T>(op: (now: number) => WriteOutcome<T>): T {
    this.checkOpen();
    const now = this.nowMs();
    const watching = this.dispatcher.size > 0;
    let outcome: WriteOutcome<T>;
    let lastChangeId = 0;
    try {
      // The transaction helper is untyped in its result; `op` fixes it to WriteOutcome<T>.
      outcome = this.transaction.immediate(() => {
        // Others' changes committed before this write go out first: commit order.
        if (watching) this.catchUp();
        const result = op(now);
        if (watching) lastChangeId = this.changes.lastId();
        return result;
      }) as WriteOutcome<T>;
    } catch (error) {
      throw sqliteError(this.path, error, this.busyTimeoutMs);
    }
    // Only after the commit: a rolled-back write must not move the log position.
    if (watching) this.lastChangeId = lastChangeId;
    this.dispatcher.emit(outcome.events);
    return outcome.result;
  }

  /** Logs a delete of each key (new revisions, in order); returns their events. */
  private logDeletes(keys: readonly string[], now: number): WatchEvent[] {
    const first = this.items.nextRevisions(keys.length);
    keys.forEach((key, i) => this.changes.append(key, "delete", first + i, this.writer, now));
    return keys.map((key) => ({ type: "delete", key }));
  }

  /** Queues what other processes wrote since the last read of the log. */
  private catchUp(): void {
    const read = this.changes.readAfter(this.lastChangeId, this.writer);
    this.lastChangeId = read.lastId;
    if (read.missed > 0) {
      this.report(
        new BackendError(
          `watchers of ${this.path} missed ${read.missed} changes by other processes: the ` +
            `change log dropped them before this process read it (was it suspended?); ` +
            `re-read the state they watch`,
        ),
      );
    }
    this.dispatcher.emit(read.events);
  }

  private stopPolling(): void {
    if (this.pollTimer !== undefined) clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  private pollTick(): void {
    if (this.closed || this.dispatcher.size === 0) return;
    try {
      this.catchUp();
    } catch (error) {
      this.report(sqliteError(this.path, error, this.busyTimeoutMs));
    }
  }

  private sweepTick(): void {
    if (this.closed) return;
    try {
      this.sweepExpired();
      if (++this.sweeps % TRIM_EVERY_SWEEPS === 0) this.trimChanges();
    } catch (error) {
      this.report(sqliteError(this.path, error, this.busyTimeoutMs));
    }
  }

  /**
   * Hands an error to onError from a microtask of its own: never inside a transaction or a
   * delivery loop, and what onError throws becomes an uncaught exception, as it would anywhere.
   */
  private report(error: unknown): void {
    queueMicrotask(() => this.onError(error));
  }

  /** Deletes the expired items and reports their deletion to watchers here and elsewhere. */
  private sweepExpired(): void {
    // A read first: most sweeps find nothing and need not take the write lock.
    if (!this.items.hasExpired(this.nowMs())) return;
    this.write((now) => {
      const keys = this.items.deleteExpired(now);
      return { result: keys.length, events: keys.length === 0 ? [] : this.logDeletes(keys, now) };
    });
  }

  private trimChanges(): void {
    this.transaction.immediate(() =>
      this.changes.trim(this.nowMs() - CHANGES_KEEP_MS, CHANGES_KEEP_ROWS),
    );
  }
}

/**
 * Opens (creating when missing) the SQLite backend at `options.path`. Throws a BackendError
 * naming the path and what to do when the folder does not exist, the file is not a SQLite
 * database (or not ours), or the location is not writable.
 */
export async function openSqliteBackend(options: SqliteBackendOptions): Promise<SqliteBackend> {
  const { path } = options;
  if (typeof path !== "string" || path === "") {
    throw new BackendError("the backend path must be a non-empty string");
  }
  const settings = {
    now: options.now ?? (() => new Date()),
    expiryIntervalMs: positive(
      "expiryIntervalMs",
      options.expiryIntervalMs,
      DEFAULT_EXPIRY_INTERVAL_MS,
    ),
    pollIntervalMs: positive("pollIntervalMs", options.pollIntervalMs, DEFAULT_POLL_INTERVAL_MS),
    busyTimeoutMs: positive("busyTimeoutMs", options.busyTimeoutMs, DEFAULT_BUSY_TIMEOUT_MS),
    onError: options.onError ?? defaultOnError,
  };
  prepareDatabaseFile(path);
  let db: Database.Database;
  try {
    db = new Database(path, { timeout: settings.busyTimeoutMs });
  } catch (error) {
    throw sqliteError(path, error, settings.busyTimeoutMs);
  }
  try {
    // The first statement: a file that is not a database fails here.
    const mode = db.pragma("journal_mode = WAL", { simple: true });
    if (mode !== "wal") {
      throw new BackendError(
        `${path}: SQLite could not switch to WAL journal mode (it stays "${String(mode)}"); ` +
          `put data_dir on a local file system`,
      );
    }
    db.pragma("synchronous = NORMAL");
    migrate(db, path);
    tightenCompanionFiles(path);
  } catch (error) {
    db.close();
    throw sqliteError(path, error, settings.busyTimeoutMs);
  }
  return new SqliteBackend(db, path, settings);
}
