// The `changes` table: an append-only log of writes through which watchers see what other
// processes (other backend instances) wrote to the same file.
import type Database from "better-sqlite3";
import { toItem } from "./sqlite-items.js";
import type { WatchEvent } from "./types.js";

export type ChangeType = "put" | "delete";

interface ChangeRow {
  id: number;
  key: string;
  type: ChangeType;
  revision: number;
  writer: string;
  // The item as it is now (NULL columns when it is gone).
  value: string | null;
  expires: number | null;
  itemRevision: number | null;
}

/** What a read of the log found after a given id. */
export interface ChangesRead {
  /** Events for the changes written by others, in commit order. */
  events: WatchEvent[];
  /** The last id read (the id given when there was nothing new). */
  lastId: number;
  /** How many changes after the given id were trimmed before they could be read. */
  missed: number;
}

export class ChangeLog {
  private readonly insert;
  private readonly since;
  private readonly sequence;
  private readonly trimRows;
  /** The rows after an id and the last id, from one snapshot (a read transaction). */
  private readonly snapshot;

  constructor(db: Database.Database) {
    this.insert = db.prepare<{
      key: string;
      type: ChangeType;
      revision: number;
      writer: string;
      at: number;
    }>(
      "INSERT INTO changes (key, type, revision, writer, at) VALUES (@key, @type, @revision, @writer, @at)",
    );
    // One statement, so the log and the items it joins come from the same snapshot.
    this.since = db.prepare<{ after: number }, ChangeRow>(
      `SELECT c.id, c.key, c.type, c.revision, c.writer,
              i.value, i.expires, i.revision AS itemRevision
       FROM changes c LEFT JOIN items i ON i.key = c.key
       WHERE c.id > @after ORDER BY c.id`,
    );
    // sqlite_sequence holds the largest id ever used, even when those rows were trimmed.
    this.sequence = db.prepare<[], { seq: number }>(
      "SELECT seq FROM sqlite_sequence WHERE name = 'changes'",
    );
    this.trimRows = db.prepare<{ keepFrom: number; before: number }>(
      "DELETE FROM changes WHERE id < @keepFrom AND at < @before",
    );
    this.snapshot = db.transaction((after: number) => ({
      rows: this.since.all({ after }),
      last: this.lastId(),
    }));
  }

  /** Records a write (inside the write's transaction). */
  append(key: string, type: ChangeType, revision: number, writer: string, at: number): void {
    this.insert.run({ key, type, revision, writer, at });
  }

  /** The id of the last change written, 0 when none ever was. */
  lastId(): number {
    return this.sequence.get()?.seq ?? 0;
  }

  /**
   * The changes after id `after` that `writer` did not make, as watch events. A put whose item
   * has been written again since is left out: the later write's own change follows it in the
   * same read, so watchers still see the key's latest state, in order.
   */
  readAfter(after: number, writer: string): ChangesRead {
    const { rows, last } = this.snapshot(after);
    // Ids are dense (AUTOINCREMENT, one writer at a time): a gap before the first row read,
    // or up to the last id ever used when nothing is left, means rows were trimmed unread.
    const missed = (rows[0]?.id ?? last + 1) - after - 1;
    const events: WatchEvent[] = [];
    for (const row of rows) {
      if (row.writer === writer) continue;
      if (row.type === "delete") {
        events.push({ type: "delete", key: row.key });
      } else if (row.itemRevision === row.revision && row.value !== null) {
        const item = toItem({
          key: row.key,
          value: row.value,
          expires: row.expires,
          revision: row.revision,
        });
        events.push({ type: "put", item });
      }
    }
    return {
      events,
      lastId: rows.at(-1)?.id ?? Math.max(after, last),
      missed: Math.max(0, missed),
    };
  }

  /**
   * Deletes the changes that are both older than `before` (ms) and not among the newest
   * `keepRows`: the log keeps whichever is more, so a reader that falls behind by less than
   * either misses nothing.
   */
  trim(before: number, keepRows: number): number {
    const keepFrom = this.lastId() - keepRows + 1;
    return this.trimRows.run({ keepFrom, before }).changes;
  }
}
