// The SQLite backend on real files: CRUD, prefix ranges, TTL, compare-and-swap under
// concurrency, watches, file modes and the errors for files it cannot use.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test, type TestContext } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import {
  AlreadyExistsError,
  BackendError,
  CompareFailedError,
  NotFoundError,
  openSqliteBackend,
  type Backend,
  type SqliteBackendOptions,
  type WatchEvent,
} from "../../src/backend/index.js";
import { ChangeLog } from "../../src/backend/sqlite-changes.js";
import { migrate } from "../../src/backend/sqlite-schema.js";
import { EventCollector, describe } from "../fixtures/backend/collector.js";
import { tempDir } from "../helpers/tmp.js";

const HOUR = 3_600_000;
const openScript = fileURLToPath(new URL("../fixtures/backend/open.ts", import.meta.url));

/** Opens a backend on a new file (or `path`), closed when the test ends. */
async function open(
  t: TestContext,
  options: Partial<SqliteBackendOptions> = {},
): Promise<Backend & { path: string }> {
  const path = options.path ?? join(tempDir(), "backend.db");
  const backend = await openSqliteBackend({ ...options, path });
  t.after(() => backend.close());
  return backend;
}

/** A clock the test moves by hand. */
function manualClock(start = Date.parse("2030-01-01T00:00:00Z")): {
  now: () => Date;
  advance: (ms: number) => void;
  at: (ms: number) => Date;
} {
  let ms = start;
  return {
    now: () => new Date(ms),
    advance: (by) => {
      ms += by;
    },
    at: (offset) => new Date(ms + offset),
  };
}

function keys(items: { key: string }[]): string[] {
  return items.map((item) => item.key);
}

test("put, get, create, compareAndSwap and delete", async (t) => {
  const backend = await open(t);
  assert.equal(await backend.get("/users/alice"), undefined);

  const created = await backend.create("/users/alice", '{"n":1}');
  assert.deepEqual(created, { key: "/users/alice", value: '{"n":1}', revision: created.revision });
  assert.deepEqual(await backend.get("/users/alice"), created);
  await assert.rejects(backend.create("/users/alice", "again"), (error: unknown) => {
    assert.ok(error instanceof AlreadyExistsError && error instanceof BackendError);
    assert.equal(error.key, "/users/alice");
    assert.match(error.message, /^\/users\/alice already exists: use put/);
    return true;
  });

  const swapped = await backend.compareAndSwap("/users/alice", created.revision, '{"n":2}');
  assert.ok(swapped.revision > created.revision);
  await assert.rejects(
    backend.compareAndSwap("/users/alice", created.revision, "stale"),
    (error: unknown) => {
      assert.ok(error instanceof CompareFailedError);
      assert.equal(error.key, "/users/alice");
      assert.equal(error.expectedRevision, created.revision);
      assert.equal(error.actualRevision, swapped.revision);
      assert.equal(
        error.message,
        `/users/alice is at revision ${swapped.revision}, not ${created.revision}: it was ` +
          "written since it was read; read it again and retry",
      );
      return true;
    },
  );
  await assert.rejects(backend.compareAndSwap("/users/bob", 1, "x"), NotFoundError);
  assert.equal((await backend.get("/users/alice"))?.value, '{"n":2}');

  const expires = new Date(Date.now() + HOUR);
  const replaced = await backend.put("/users/alice", "3", { expires });
  assert.deepEqual(replaced, {
    key: "/users/alice",
    value: "3",
    expires,
    revision: replaced.revision,
  });
  assert.ok(replaced.revision > swapped.revision);
  assert.deepEqual(await backend.get("/users/alice"), replaced);
  const unexpiring = await backend.put("/users/alice", "4");
  assert.equal((await backend.get("/users/alice"))?.expires, undefined, "put clears the TTL");

  assert.equal(await backend.delete("/users/alice"), true);
  assert.equal(await backend.delete("/users/alice"), false);
  assert.equal(await backend.get("/users/alice"), undefined);
  const again = await backend.create("/users/alice", "back");
  assert.ok(again.revision > unexpiring.revision, "revisions do not repeat after delete+create");
});

test("a value is stored exactly, whatever it holds", async (t) => {
  const backend = await open(t);
  const values = ["", "x".repeat(1 << 20), '{"a":"\\u0000 é 😀 \'quote\'"}', "line\nbreak\r\n"];
  for (const [i, value] of values.entries()) await backend.put(`/v/${i}`, value);
  assert.deepEqual(
    (await backend.getRange("/v/")).map((item) => item.value),
    values,
  );
});

test("getRange and deleteRange take keys by prefix, % and _ included, in byte order", async (t) => {
  const backend = await open(t);
  const all = [
    "/users/a",
    "/users/a%",
    "/users/a%b",
    "/users/a_b",
    "/users/a/x",
    "/users/ab",
    "/users/b",
    "/users%",
    "/users_",
    "/usersx",
    "/users",
  ];
  for (const key of all) await backend.put(key, key);

  assert.deepEqual(keys(await backend.getRange("/users/a")), [
    "/users/a",
    "/users/a%",
    "/users/a%b",
    "/users/a/x",
    "/users/a_b",
    "/users/ab",
  ]);
  // As LIKE patterns these would match almost everything above.
  assert.deepEqual(keys(await backend.getRange("/users/a%")), ["/users/a%", "/users/a%b"]);
  assert.deepEqual(keys(await backend.getRange("/users/a_")), ["/users/a_b"]);
  assert.deepEqual(keys(await backend.getRange("/users/")).length, 7);
  assert.deepEqual(keys(await backend.getRange("/users%")), ["/users%"]);
  assert.deepEqual(keys(await backend.getRange("/users/c")), []);
  assert.equal((await backend.getRange("")).length, all.length);
  assert.deepEqual(
    (await backend.getRange("/users/a/x")).map((item) => item.value),
    ["/users/a/x"],
  );

  assert.equal(await backend.deleteRange("/users/a%"), 2);
  assert.equal(await backend.deleteRange("/users/a_"), 1);
  assert.equal(await backend.deleteRange("/nothing/"), 0);
  assert.deepEqual(keys(await backend.getRange("/users/a")), [
    "/users/a",
    "/users/a/x",
    "/users/ab",
  ]);
  assert.equal(await backend.deleteRange("/users/"), 4);
  assert.deepEqual(keys(await backend.getRange("")), ["/users", "/users%", "/users_", "/usersx"]);
});

test("getRange orders non-ASCII keys by code point, and finds keys after U+FFFF", async (t) => {
  const backend = await open(t);
  // JavaScript's default sort would put the emoji (a surrogate pair) before U+FFFF.
  const ordered = ["/u/a", "/u/é", "/u/\ue000", "/u/\uffff", "/u/😀", "/u/😀x", "/u/\u{10FFFF}"];
  for (const key of [...ordered].reverse()) await backend.put(key, "v");
  assert.deepEqual(keys(await backend.getRange("/u/")), ordered);
  assert.deepEqual(keys(await backend.getRange("/u/😀")), ["/u/😀", "/u/😀x"]);
  assert.deepEqual(keys(await backend.getRange("/u/\uffff")), ["/u/\uffff"]);
  assert.deepEqual(keys(await backend.getRange("/u/\u{10FFFF}")), ["/u/\u{10FFFF}"]);
});

test("keys that cannot be stored faithfully are refused", async (t) => {
  const backend = await open(t);
  await assert.rejects(backend.put("", "v"), BackendError);
  await assert.rejects(backend.put("/a\ud800", "v"), /not well-formed Unicode/);
  await assert.rejects(backend.getRange("\udc00"), BackendError);
  await assert.rejects(
    backend.put("/k", "v", { expires: new Date(Number.NaN) }),
    /not a valid Date/,
  );
  await assert.rejects(backend.compareAndSwap("/k", 1.5, "v"), /must be an integer/);
});

test("an expired item is gone for get, getRange, delete and compareAndSwap", async (t) => {
  const clock = manualClock();
  // No sweep during the test: the queries alone must hide expired items.
  const backend = await open(t, { now: clock.now, expiryIntervalMs: HOUR });
  const item = await backend.put("/tokens/t1", "tok", { expires: clock.at(1000) });
  await backend.put("/tokens/t2", "forever");
  assert.deepEqual(await backend.get("/tokens/t1"), item);

  clock.advance(1000);
  assert.deepEqual(await backend.get("/tokens/t1"), item, "still there at its expiry instant");
  clock.advance(1);
  assert.equal(await backend.get("/tokens/t1"), undefined);
  assert.deepEqual(keys(await backend.getRange("/tokens/")), ["/tokens/t2"]);
  await assert.rejects(backend.compareAndSwap("/tokens/t1", item.revision, "x"), NotFoundError);
  assert.equal(await backend.delete("/tokens/t1"), false);
  assert.equal(await backend.deleteRange("/tokens/"), 1);
});

test("create replaces an expired item but not a live one", async (t) => {
  const clock = manualClock();
  const backend = await open(t, { now: clock.now, expiryIntervalMs: HOUR });
  const first = await backend.create("/locks/l", "a", { expires: clock.at(500) });
  clock.advance(499);
  await assert.rejects(backend.create("/locks/l", "b"), AlreadyExistsError);
  clock.advance(2);
  const second = await backend.create("/locks/l", "b");
  assert.ok(second.revision > first.revision);
  assert.deepEqual(await backend.get("/locks/l"), second);
  await assert.rejects(backend.create("/locks/l", "c"), AlreadyExistsError);
});

test("the sweep deletes expired items and sends delete events, to other instances too", async (t) => {
  const clock = manualClock();
  const backend = await open(t, { now: clock.now, expiryIntervalMs: 10, pollIntervalMs: 10 });
  // A second instance on the same file stands for another process.
  const other = await open(t, { path: backend.path, now: clock.now, expiryIntervalMs: HOUR });
  const local = new EventCollector();
  const remote = new EventCollector();
  backend.watch("/nodes/", local.onEvent);
  other.watch("/nodes/", remote.onEvent);

  await backend.put("/nodes/n1", "hb", { expires: clock.at(1000) });
  await backend.put("/nodes/n2", "static");
  await local.until(2);
  // Before the expiry: another process's put that is superseded before it polls is left out.
  await remote.until(2);
  clock.advance(1001);
  assert.deepEqual((await local.until(3)).map(describe), [
    "put /nodes/n1=hb",
    "put /nodes/n2=static",
    "delete /nodes/n1",
  ]);
  assert.deepEqual((await remote.until(3)).map(describe), local.events.map(describe));

  const raw = new Database(backend.path, { readonly: true });
  t.after(() => raw.close());
  assert.deepEqual(raw.prepare("SELECT key FROM items ORDER BY key").all(), [{ key: "/nodes/n2" }]);
});

test("many concurrent compareAndSwap increments from one instance add up", async (t) => {
  const backend = await open(t);
  await backend.put("/counter", "0");
  const TASKS = 50;
  const EACH = 20;
  let retries = 0;
  const increment = async (): Promise<void> => {
    for (;;) {
      const item = await backend.get("/counter");
      assert.ok(item);
      try {
        await backend.compareAndSwap("/counter", item.revision, String(Number(item.value) + 1));
        return;
      } catch (error) {
        if (!(error instanceof CompareFailedError)) throw error;
        retries++;
      }
    }
  };
  await Promise.all(
    Array.from({ length: TASKS }, async () => {
      for (let i = 0; i < EACH; i++) await increment();
    }),
  );
  assert.equal((await backend.get("/counter"))?.value, String(TASKS * EACH));
  // The tasks interleave at every await, so most of their first attempts lose.
  assert.ok(retries > 0, "the increments really raced");
});

test("watch: this instance's writes, in order, by prefix, after the write returns", async (t) => {
  const backend = await open(t);
  const users = new EventCollector();
  const all = new EventCollector();
  backend.watch("/users/", users.onEvent);
  backend.watch("", all.onEvent);

  const alice = await backend.create("/users/alice", "1");
  assert.equal(all.events.length, 0, "not delivered inside the write, nor as it returns");
  await backend.put("/roles/admin", "r");
  await backend.compareAndSwap("/users/alice", alice.revision, "2");
  await backend.put("/users/bob", "1");
  await backend.put("/usersx", "not a user");
  await backend.delete("/users/alice");
  await backend.delete("/users/nobody");
  await backend.put("/users/carol", "1");
  await backend.deleteRange("/users/");

  const expected = [
    "put /users/alice=1",
    "put /users/alice=2",
    "put /users/bob=1",
    "delete /users/alice",
    "put /users/carol=1",
    "delete /users/bob",
    "delete /users/carol",
  ];
  assert.deepEqual((await users.until(expected.length)).map(describe), expected);
  const everything = (await all.until(expected.length + 2)).map(describe);
  assert.deepEqual(
    everything.filter((e) => !e.includes("/users/")),
    ["put /roles/admin=r", "put /usersx=not a user"],
  );
  const event = users.events[0] as Extract<WatchEvent, { type: "put" }>;
  assert.deepEqual(event.item, alice);
});

test("watch: a closed watcher gets nothing more; a new one nothing from before", async (t) => {
  const backend = await open(t);
  const closed = new EventCollector();
  const sentinel = new EventCollector();
  const watcher = backend.watch("", closed.onEvent);
  backend.watch("", sentinel.onEvent);
  await backend.put("/a", "1");
  watcher.close();
  await backend.put("/b", "2");
  await sentinel.until(2);
  assert.deepEqual(closed.events.map(describe), []);

  const late = new EventCollector();
  backend.watch("", late.onEvent);
  await backend.put("/c", "3");
  await sentinel.until(3);
  assert.deepEqual(late.events.map(describe), ["put /c=3"]);
});

test("a throwing watch callback goes to onError; other watchers carry on", async (t) => {
  const errors: unknown[] = [];
  const backend = await open(t, { onError: (error) => errors.push(error) });
  backend.watch("", () => {
    throw new Error("callback bug");
  });
  const sentinel = new EventCollector();
  backend.watch("", sentinel.onEvent);
  await backend.put("/a", "1");
  await sentinel.until(1);
  await new Promise((resolve) => setImmediate(resolve));
  assert.match(String(errors[0]), /callback bug/);
});

test("files are created 0600 whatever the umask, -wal and -shm included", async (t) => {
  for (const umask of [0o000, 0o277]) {
    const previous = process.umask(umask);
    let backend: Backend & { path: string };
    try {
      backend = await open(t);
      await backend.put("/k", "v");
    } finally {
      process.umask(previous);
    }
    for (const file of [backend.path, `${backend.path}-wal`, `${backend.path}-shm`]) {
      assert.equal(
        (statSync(file).mode & 0o777).toString(8),
        "600",
        `${file} with umask ${umask.toString(8)}`,
      );
    }
  }
});

test("an existing database file readable by others is made 0600", async (t) => {
  const path = join(tempDir(), "backend.db");
  const first = await openSqliteBackend({ path });
  await first.put("/k", "v");
  await first.close();
  chmodSync(path, 0o644);
  await open(t, { path });
  assert.equal((statSync(path).mode & 0o777).toString(8), "600");
});

test("reopening keeps the data, and revisions keep increasing", async () => {
  const path = join(tempDir(), "backend.db");
  const first = await openSqliteBackend({ path });
  const item = await first.put("/cas/ca", "cert", { expires: new Date(Date.now() + HOUR) });
  await first.delete(await first.put("/gone", "x").then((gone) => gone.key));
  await first.close();
  await first.close();
  await assert.rejects(first.get("/cas/ca"), { name: "BackendError", message: /is closed/ });

  const second = await openSqliteBackend({ path });
  try {
    assert.deepEqual(await second.get("/cas/ca"), item);
    assert.equal(await second.get("/gone"), undefined);
    const next = await second.put("/other", "y");
    assert.ok(next.revision > item.revision + 1);
  } finally {
    await second.close();
  }
});

test("a file that is not a SQLite database: clear error, file left alone", async () => {
  const path = join(tempDir(), "backend.db");
  const garbage = Buffer.from("this is not a database\n".repeat(100));
  writeFileSync(path, garbage);
  await assert.rejects(openSqliteBackend({ path }), (error: unknown) => {
    assert.ok(error instanceof BackendError);
    assert.equal(
      error.message,
      `${path} is not a SQLite database (file is not a database): move it aside, or restore ` +
        "the cluster state from a backup; a new database is created when the file does not exist",
    );
    return true;
  });
  assert.deepEqual(readFileSync(path), garbage);
  assert.equal(existsSync(`${path}-wal`), false);
});

test("another program's SQLite database is refused", async () => {
  const path = join(tempDir(), "other.db");
  const other = new Database(path);
  other.exec("CREATE TABLE photos (id INTEGER PRIMARY KEY)");
  other.close();
  await assert.rejects(openSqliteBackend({ path }), {
    name: "BackendError",
    message: `${path} is a SQLite database but not a cluster state database (it has tables photos): point data_dir elsewhere or move the file aside`,
  });
});

test("a database from a newer schema version is refused", async () => {
  const path = join(tempDir(), "backend.db");
  await (await openSqliteBackend({ path })).close();
  const raw = new Database(path);
  raw.exec("UPDATE schema_version SET version = 99");
  raw.close();
  await assert.rejects(openSqliteBackend({ path }), {
    name: "BackendError",
    message: new RegExp(`^${path} has schema version 99, written by a newer version`),
  });
});

test("a folder that does not exist: error naming it", async () => {
  const folder = join(tempDir(), "missing");
  const path = join(folder, "backend.db");
  await assert.rejects(openSqliteBackend({ path }), {
    name: "BackendError",
    message: `cannot open the cluster state database ${path}: the folder ${folder} does not exist; create it or fix data_dir`,
  });
  assert.equal(existsSync(folder), false);
});

test("bad options are refused", async () => {
  await assert.rejects(openSqliteBackend({ path: "" }), /non-empty string/);
  const path = join(tempDir(), "backend.db");
  await assert.rejects(
    openSqliteBackend({ path, expiryIntervalMs: 0 }),
    /expiryIntervalMs must be a positive/,
  );
});

const asRoot = process.getuid?.() === 0;

/** Runs fixtures/backend/open.ts on `path`, as an unprivileged user when we are root. */
function openElsewhere(path: string): { ok?: true; name?: string; message?: string } {
  const out = execFileSync(process.execPath, ["--import", "tsx", openScript, path], {
    encoding: "utf8",
    // Root may write anywhere: the check needs a user the permissions apply to.
    ...(asRoot ? { uid: 65534, gid: 65534, env: { ...process.env, HOME: "/tmp" } } : {}),
  });
  return JSON.parse(out) as { ok?: true; name?: string; message?: string };
}

/** A folder with `mode` whatever the umask. */
function folder(path: string, mode: number): string {
  mkdirSync(path);
  chmodSync(path, mode);
  return path;
}

test("a location without write access: error naming the path and the fix", async () => {
  const base = folder(join(tempDir(), "base"), 0o755);
  const readOnly = folder(join(base, "ro"), 0o555);
  const inReadOnly = join(readOnly, "backend.db");
  assert.deepEqual(openElsewhere(inReadOnly), {
    name: "BackendError",
    message:
      `cannot open the cluster state database ${inReadOnly} for writing: permission denied; ` +
      `run as the user that owns ${readOnly} (SQLite also writes ${inReadOnly}-wal and ` +
      `${inReadOnly}-shm there)`,
  });

  // A writable folder, but a database file this user may not write: root's 0600 file for
  // the unprivileged user, or a 0400 one for anyone else.
  const foreign = join(folder(join(base, "shared"), 0o777), "backend.db");
  await (await openSqliteBackend({ path: foreign })).close();
  if (!asRoot) chmodSync(foreign, 0o400);
  const result = openElsewhere(foreign);
  assert.equal(result.name, "BackendError");
  assert.ok(
    result.message?.startsWith(
      `cannot open the cluster state database ${foreign} for writing: permission denied`,
    ),
    result.message,
  );
});

test("the change log keeps the newest rows or the recent ones, whichever is more", () => {
  const path = join(tempDir(), "backend.db");
  const db = new Database(path);
  migrate(db, path);
  const log = new ChangeLog(db);
  // Ids 1..10 written at t=1..10.
  for (let i = 1; i <= 10; i++) log.append(`/k${i}`, "put", i, "w", i);
  const ids = (): number[] =>
    db
      .prepare<[], { id: number }>("SELECT id FROM changes ORDER BY id")
      .all()
      .map((row) => row.id);
  assert.equal(log.trim(3, 5), 2, "older than t=3 and not among the newest 5: ids 1, 2");
  assert.deepEqual(ids(), [3, 4, 5, 6, 7, 8, 9, 10]);
  assert.equal(log.trim(100, 5), 3, "everything is old: the newest 5 stay");
  assert.deepEqual(ids(), [6, 7, 8, 9, 10]);
  assert.equal(log.lastId(), 10);
  const read = log.readAfter(2, "other");
  assert.equal(read.missed, 3, "ids 3..5 were trimmed unread");
  assert.equal(read.lastId, 10);
  db.close();
});

test("changes trimmed before a watcher read them are reported through onError", async (t) => {
  const errors: unknown[] = [];
  const backend = await open(t, { pollIntervalMs: HOUR, onError: (error) => errors.push(error) });
  const other = await open(t, { path: backend.path });
  const watched = new EventCollector();
  backend.watch("", watched.onEvent);
  for (let i = 0; i < 5; i++) await other.put(`/other/${i}`, "x");
  // Stands for the trim of a log this process fell far behind on.
  const raw = new Database(backend.path);
  raw.exec("DELETE FROM changes");
  raw.close();
  // A write reads the log first (and the poll is an hour away).
  await backend.put("/mine", "1");
  assert.deepEqual((await watched.until(1)).map(describe), ["put /mine=1"]);
  assert.equal(errors.length, 1);
  assert.match(String(errors[0]), /missed 5 changes by other processes/);
});
