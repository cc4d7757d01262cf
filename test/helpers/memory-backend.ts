// An in-memory Backend for unit tests: the same semantics as the SQLite one (revisions, TTL on
// an injected clock, create/compareAndSwap conflicts with src/backend's errors, watch events
// from a later turn) without a file.
import {
  AlreadyExistsError,
  BackendError,
  CompareFailedError,
  NotFoundError,
  type Backend,
  type Item,
  type PutOptions,
  type WatchEvent,
  type Watcher,
} from "../../src/backend/index.js";

interface Stored {
  value: string;
  expires?: Date;
  revision: number;
}

interface Registration {
  prefix: string;
  onEvent: (event: WatchEvent) => void;
}

export interface MemoryBackendOptions {
  /** The clock TTLs are read against; tests move it. */
  now?: () => Date;
}

export class MemoryBackend implements Backend {
  readonly #items = new Map<string, Stored>();
  readonly #watchers = new Set<Registration>();
  readonly #now: () => Date;
  #revision = 0;
  #closed = false;
  /** Every write, in order: tests grep these for secrets. */
  readonly writes: { key: string; value: string }[] = [];

  constructor(options: MemoryBackendOptions = {}) {
    this.#now = options.now ?? (() => new Date());
  }

  async get(key: string): Promise<Item | undefined> {
    this.#open();
    this.#sweep();
    return this.#item(key);
  }

  async put(key: string, value: string, options: PutOptions = {}): Promise<Item> {
    this.#open();
    this.#sweep();
    return this.#write(key, value, options);
  }

  async create(key: string, value: string, options: PutOptions = {}): Promise<Item> {
    this.#open();
    this.#sweep();
    if (this.#items.has(key)) throw new AlreadyExistsError(key);
    return this.#write(key, value, options);
  }

  async compareAndSwap(
    key: string,
    expectedRevision: number,
    value: string,
    options: PutOptions = {},
  ): Promise<Item> {
    this.#open();
    this.#sweep();
    const current = this.#items.get(key);
    if (current === undefined) throw new NotFoundError(key);
    if (current.revision !== expectedRevision) {
      throw new CompareFailedError(key, expectedRevision, current.revision);
    }
    return this.#write(key, value, options);
  }

  async delete(key: string): Promise<boolean> {
    this.#open();
    this.#sweep();
    if (!this.#items.delete(key)) return false;
    this.#emit({ type: "delete", key });
    return true;
  }

  async getRange(prefix: string): Promise<Item[]> {
    this.#open();
    this.#sweep();
    return this.#keysUnder(prefix).flatMap((key) => this.#item(key) ?? []);
  }

  async deleteRange(prefix: string): Promise<number> {
    this.#open();
    this.#sweep();
    const keys = this.#keysUnder(prefix);
    for (const key of keys) {
      this.#items.delete(key);
      this.#emit({ type: "delete", key });
    }
    return keys.length;
  }

  watch(prefix: string, onEvent: (event: WatchEvent) => void): Watcher {
    this.#open();
    const registration = { prefix, onEvent };
    this.#watchers.add(registration);
    return { close: () => this.#watchers.delete(registration) };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#watchers.clear();
  }

  /** Keys currently stored, expired or not (for tests that look at storage). */
  rawKeys(): string[] {
    return [...this.#items.keys()].sort();
  }

  /** The expiry stored for `key`, live or not. */
  rawExpiry(key: string): Date | undefined {
    return this.#items.get(key)?.expires;
  }

  #open(): void {
    if (this.#closed) throw new BackendError("the backend is closed");
  }

  #keysUnder(prefix: string): string[] {
    // Code point order, as SQLite's BINARY collation sorts UTF-8.
    return [...this.#items.keys()]
      .filter((key) => key.startsWith(prefix))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  #item(key: string): Item | undefined {
    const stored = this.#items.get(key);
    if (stored === undefined) return undefined;
    return {
      key,
      value: stored.value,
      revision: stored.revision,
      ...(stored.expires === undefined ? {} : { expires: new Date(stored.expires) }),
    };
  }

  #write(key: string, value: string, options: PutOptions): Item {
    if (key === "") throw new BackendError("key must not be empty");
    const stored: Stored = {
      value,
      revision: ++this.#revision,
      ...(options.expires === undefined ? {} : { expires: new Date(options.expires) }),
    };
    this.#items.set(key, stored);
    this.writes.push({ key, value });
    const item = this.#item(key);
    if (item === undefined) throw new Error(`lost ${key} while writing it`);
    this.#emit({ type: "put", item });
    return item;
  }

  // As in SQLite: an item is live up to and including its expiry instant, gone after it.
  #sweep(): void {
    const now = this.#now().getTime();
    for (const [key, stored] of this.#items) {
      if (stored.expires !== undefined && stored.expires.getTime() < now) {
        this.#items.delete(key);
        this.#emit({ type: "delete", key });
      }
    }
  }

  #emit(event: WatchEvent): void {
    const key = event.type === "put" ? event.item.key : event.key;
    for (const watcher of this.#watchers) {
      if (!key.startsWith(watcher.prefix)) continue;
      // From a later turn of the event loop, never inside the write, as the real backends do.
      setImmediate(() => {
        if (this.#watchers.has(watcher)) watcher.onEvent(event);
      });
    }
  }
}

/** A clock tests move by hand. */
export class ManualClock {
  #ms: number;

  constructor(start: string | Date = "2024-05-01T12:00:00Z") {
    this.#ms = new Date(start).getTime();
  }

  /** For `now` options: a fresh Date each call. */
  readonly now = (): Date => new Date(this.#ms);

  advance(ms: number): void {
    this.#ms += ms;
  }

  set(time: string | Date): void {
    this.#ms = new Date(time).getTime();
  }
}
