// The SQLite schema and its migrations. `schema_version` holds the version the file is at;
// each migration moves it up by one, inside the transaction that applies it, so two processes
// opening a new file at once apply each migration exactly once.
import type Database from "better-sqlite3";
import { BackendError } from "./errors.js";

/** Migration n (1-based) takes the schema from version n-1 to version n. Append only. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE items (
    key TEXT NOT NULL PRIMARY KEY,
    value TEXT NOT NULL,
    expires INTEGER,            -- ms since the epoch; NULL: never
    revision INTEGER NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX items_expires ON items (expires) WHERE expires IS NOT NULL;

  -- One row: the last revision handed out. Revisions come from this one counter, so they
  -- increase across keys and never repeat, even after a delete and create of the same key.
  CREATE TABLE revision (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    last INTEGER NOT NULL
  );
  INSERT INTO revision (id, last) VALUES (1, 0);

  -- Append-only log of writes, read by the other processes' watchers. AUTOINCREMENT: ids are
  -- never reused, even after the oldest rows are trimmed.
  CREATE TABLE changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('put', 'delete')),
    revision INTEGER NOT NULL,
    writer TEXT NOT NULL,       -- the backend instance that wrote it
    at INTEGER NOT NULL         -- ms since the epoch
  );
  `,
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

function tableNames(db: Database.Database): string[] {
  return db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .all()
    .map((row) => row.name);
}

/** Brings the schema of `db` (the file at `path`) to SCHEMA_VERSION. */
export function migrate(db: Database.Database, path: string): void {
  const run = db.transaction(() => {
    const tables = tableNames(db);
    if (!tables.includes("schema_version")) {
      // Refuse to add our tables to some other program's database.
      if (tables.length > 0) {
        throw new BackendError(
          `${path} is a SQLite database but not a cluster state database (it has tables ` +
            `${tables.join(", ")}): point data_dir elsewhere or move the file aside`,
        );
      }
      db.exec(`
        CREATE TABLE schema_version (
          id INTEGER PRIMARY KEY CHECK (id = 1),
          version INTEGER NOT NULL
        );
        INSERT INTO schema_version (id, version) VALUES (1, 0);
      `);
    }
    const row = db
      .prepare<[], { version: number }>("SELECT version FROM schema_version WHERE id = 1")
      .get();
    const current = row?.version ?? 0;
    if (current > SCHEMA_VERSION) {
      throw new BackendError(
        `${path} has schema version ${current}, written by a newer version of this program ` +
          `(this one knows up to ${SCHEMA_VERSION}): run the newer version, or restore a backup`,
      );
    }
    for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
      db.exec(MIGRATIONS[version - 1] ?? "");
      db.prepare("UPDATE schema_version SET version = ? WHERE id = 1").run(version);
    }
  });
  // IMMEDIATE: take the write lock before reading the version, so a concurrent opener waits
  // for this one's migrations instead of applying them a second time.
  run.immediate();
}
