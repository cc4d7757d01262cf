// The cluster state store: a small key-value interface (users, roles, tokens, CAs, nodes).
// SQLite is the embedded default; PostgreSQL implements the same interface for larger clusters,
// which is why every call is async even where SQLite is not.

/** A stored value. Keys are "/"-separated paths such as "/users/alice". */
export interface Item {
  key: string;
  /** The value as stored (JSON text for every resource of ours). */
  value: string;
  /** After this instant the item no longer exists (TTL). */
  expires?: Date;
  /** Increases on every write of this key; compareAndSwap checks it. */
  revision: number;
}

export interface PutOptions {
  expires?: Date;
}

export type WatchEvent = { type: "put"; item: Item } | { type: "delete"; key: string };

export interface Watcher {
  close(): void;
}

export interface Backend {
  /** The item, or undefined when absent or expired. */
  get(key: string): Promise<Item | undefined>;
  /** Creates or replaces. */
  put(key: string, value: string, options?: PutOptions): Promise<Item>;
  /** Creates only: throws AlreadyExistsError when the key exists (and is not expired). */
  create(key: string, value: string, options?: PutOptions): Promise<Item>;
  /**
   * Replaces only when the stored revision is `expectedRevision`: throws CompareFailedError
   * otherwise (someone else wrote it first) and NotFoundError when absent.
   */
  compareAndSwap(
    key: string,
    expectedRevision: number,
    value: string,
    options?: PutOptions,
  ): Promise<Item>;
  /** True when something was deleted. */
  delete(key: string): Promise<boolean>;
  /** Items whose key starts with `prefix`, sorted by key, expired ones left out. */
  getRange(prefix: string): Promise<Item[]>;
  /** Deletes every item under `prefix`; returns how many. */
  deleteRange(prefix: string): Promise<number>;
  /** Calls `onEvent` for each put and delete (expiry included) of keys under `prefix`, in order. */
  watch(prefix: string, onEvent: (event: WatchEvent) => void): Watcher;
  close(): Promise<void>;
}
