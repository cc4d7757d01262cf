// Statements on the items and revision tables. Callers run the writing ones inside an
// IMMEDIATE transaction. An item is live while `expires` is NULL or not before `now`; every
// read and conditional write checks that in SQL, so an expired item is absent the moment it
// expires, before the sweep removes it.
import type Database from "better-sqlite3";
import { BackendError } from "./errors.js";
import type { Item } from "./types.js";

interface ItemRow {
  key: string;
  value: string;
  expires: number | null;
  revision: number;
}

const LIVE = "(expires IS NULL OR expires >= @now)";
const COLUMNS = "key, value, expires, revision";

/** An Item (a fresh object) from a row. */
export function toItem(row: ItemRow): Item {
  const item: Item = { key: row.key, value: row.value, revision: row.revision };
  if (row.expires !== null) item.expires = new Date(row.expires);
  return item;
}

export interface NewItem {
  key: string;
  value: string;
  expires: number | null;
  revision: number;
}

/** A key range: `start <= key < end`, no upper bound when `end` is undefined. */
export interface KeyRange {
  start: string;
  end: string | undefined;
}

export class ItemStatements {
  private readonly getLive;
  private readonly rangeBounded;
  private readonly rangeOpen;
  private readonly deleteBounded;
  private readonly deleteOpen;
  private readonly upsert;
  private readonly insertUnlessLive;
  private readonly updateIfRevision;
  private readonly deleteLive;
  private readonly anyExpired;
  private readonly expiredKeys;
  private readonly deleteExpiredRows;
  private readonly takeRevisions;

  constructor(db: Database.Database) {
    this.getLive = db.prepare<{ key: string; now: number }, ItemRow>(
      `SELECT ${COLUMNS} FROM items WHERE key = @key AND ${LIVE}`,
    );
    // Range scans on the primary key rather than LIKE: keys may contain % and _.
    this.rangeBounded = db.prepare<{ start: string; end: string; now: number }, ItemRow>(
      `SELECT ${COLUMNS} FROM items WHERE key >= @start AND key < @end AND ${LIVE} ORDER BY key`,
    );
    this.rangeOpen = db.prepare<{ start: string; now: number }, ItemRow>(
      `SELECT ${COLUMNS} FROM items WHERE key >= @start AND ${LIVE} ORDER BY key`,
    );
    this.deleteBounded = db.prepare<{ start: string; end: string; now: number }>(
      `DELETE FROM items WHERE key >= @start AND key < @end AND ${LIVE}`,
    );
    this.deleteOpen = db.prepare<{ start: string; now: number }>(
      `DELETE FROM items WHERE key >= @start AND ${LIVE}`,
    );
    this.upsert = db.prepare<NewItem>(
      `INSERT INTO items (${COLUMNS}) VALUES (@key, @value, @expires, @revision)
       ON CONFLICT (key) DO UPDATE
       SET value = excluded.value, expires = excluded.expires, revision = excluded.revision`,
    );
    // Replaces only an expired item: no row comes back when a live one is in the way.
    this.insertUnlessLive = db.prepare<NewItem & { now: number }, { revision: number }>(
      `INSERT INTO items (${COLUMNS}) VALUES (@key, @value, @expires, @revision)
       ON CONFLICT (key) DO UPDATE
       SET value = excluded.value, expires = excluded.expires, revision = excluded.revision
       WHERE items.expires IS NOT NULL AND items.expires < @now
       RETURNING revision`,
    );
    this.updateIfRevision = db.prepare<
      NewItem & { expected: number; now: number },
      { revision: number }
    >(
      `UPDATE items SET value = @value, expires = @expires, revision = @revision
       WHERE key = @key AND revision = @expected AND ${LIVE}
       RETURNING revision`,
    );
    this.deleteLive = db.prepare<{ key: string; now: number }, { key: string }>(
      `DELETE FROM items WHERE key = @key AND ${LIVE} RETURNING key`,
    );
    this.anyExpired = db.prepare<{ now: number }, { found: number }>(
      "SELECT 1 AS found FROM items WHERE expires < @now LIMIT 1",
    );
    this.expiredKeys = db.prepare<{ now: number }, { key: string }>(
      "SELECT key FROM items WHERE expires < @now ORDER BY key",
    );
    this.deleteExpiredRows = db.prepare<{ now: number }>("DELETE FROM items WHERE expires < @now");
    this.takeRevisions = db.prepare<{ count: number }, { last: number }>(
      "UPDATE revision SET last = last + @count WHERE id = 1 RETURNING last",
    );
  }

  /** The live item under `key`. */
  get(key: string, now: number): Item | undefined {
    const row = this.getLive.get({ key, now });
    return row === undefined ? undefined : toItem(row);
  }

  /** Live items in `range`, in key order (UTF-8 byte order). */
  range(range: KeyRange, now: number): Item[] {
    const rows =
      range.end === undefined
        ? this.rangeOpen.all({ start: range.start, now })
        : this.rangeBounded.all({ start: range.start, end: range.end, now });
    return rows.map(toItem);
  }

  /** Deletes the live items in `range`. */
  deleteRange(range: KeyRange, now: number): void {
    if (range.end === undefined) this.deleteOpen.run({ start: range.start, now });
    else this.deleteBounded.run({ start: range.start, end: range.end, now });
  }

  /** Creates or replaces. */
  put(item: NewItem): void {
    this.upsert.run(item);
  }

  /** Creates unless a live item exists; false when one does. */
  create(item: NewItem, now: number): boolean {
    return this.insertUnlessLive.get({ ...item, now }) !== undefined;
  }

  /** Replaces the live item if it is at revision `expected`; false otherwise. */
  replaceIfRevision(item: NewItem, expected: number, now: number): boolean {
    return this.updateIfRevision.get({ ...item, expected, now }) !== undefined;
  }

  /** Deletes the live item; false when there is none. */
  delete(key: string, now: number): boolean {
    return this.deleteLive.get({ key, now }) !== undefined;
  }

  /** True when some item expired before `now` (a read: the sweep writes only when needed). */
  hasExpired(now: number): boolean {
    return this.anyExpired.get({ now }) !== undefined;
  }

  /** Deletes the items that expired before `now`; returns their keys in key order. */
  deleteExpired(now: number): string[] {
    const keys = this.expiredKeys.all({ now }).map((row) => row.key);
    if (keys.length > 0) this.deleteExpiredRows.run({ now });
    return keys;
  }

  /** Reserves `count` revisions; returns the first. They increase and are never handed out twice. */
  nextRevisions(count: number): number {
    const row = this.takeRevisions.get({ count });
    if (row === undefined)
      throw new BackendError("the revision table has no row: the database is damaged");
    return row.last - count + 1;
  }
}
