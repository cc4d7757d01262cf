// Delivery of watch events: later than the emit, in order, by prefix, and never after close.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { WatchEvent } from "../../src/backend/index.js";
import { WatchDispatcher } from "../../src/backend/watchers.js";

const put = (key: string, value = "v"): WatchEvent => ({
  type: "put",
  item: { key, value, revision: 1 },
});
const del = (key: string): WatchEvent => ({ type: "delete", key });
const keyOf = (event: WatchEvent): string => (event.type === "put" ? event.item.key : event.key);

function noErrors(error: unknown): void {
  throw error;
}

test("events arrive after emit returns, in order, filtered by prefix", async () => {
  const dispatcher = new WatchDispatcher(noErrors);
  const users: string[] = [];
  const all: string[] = [];
  dispatcher.add(
    "/users/",
    (event) => users.push(keyOf(event)),
    () => {},
  );
  dispatcher.add(
    "",
    (event) => all.push(keyOf(event)),
    () => {},
  );
  dispatcher.emit([put("/users/a"), put("/roles/x"), del("/users/a")]);
  dispatcher.emit([put("/usersx"), put("/users/b")]);
  assert.deepEqual(all, [], "nothing is delivered inside emit");
  await nextTurn();
  assert.deepEqual(users, ["/users/a", "/users/a", "/users/b"]);
  assert.deepEqual(all, ["/users/a", "/roles/x", "/users/a", "/usersx", "/users/b"]);
});

test("a watcher gets only the events emitted after it was added", async () => {
  const dispatcher = new WatchDispatcher(noErrors);
  const first: string[] = [];
  const second: string[] = [];
  dispatcher.add(
    "",
    (event) => first.push(keyOf(event)),
    () => {},
  );
  dispatcher.emit([put("/a")]);
  dispatcher.add(
    "",
    (event) => second.push(keyOf(event)),
    () => {},
  );
  dispatcher.emit([put("/b")]);
  await nextTurn();
  assert.deepEqual(first, ["/a", "/b"]);
  assert.deepEqual(second, ["/b"]);
});

test("close stops delivery, queued events included, and runs onClose once", async () => {
  const dispatcher = new WatchDispatcher(noErrors);
  const got: string[] = [];
  const sentinel: string[] = [];
  let closes = 0;
  const watcher = dispatcher.add(
    "",
    (event) => got.push(keyOf(event)),
    () => closes++,
  );
  dispatcher.add(
    "",
    (event) => sentinel.push(keyOf(event)),
    () => {},
  );
  dispatcher.emit([put("/a")]);
  watcher.close();
  watcher.close();
  dispatcher.emit([put("/b")]);
  await nextTurn();
  assert.deepEqual(sentinel, ["/a", "/b"]);
  assert.deepEqual(got, []);
  assert.equal(closes, 1);
  assert.equal(dispatcher.size, 1);
});

test("a callback closing another watcher mid-batch stops that watcher at once", async () => {
  const dispatcher = new WatchDispatcher(noErrors);
  const got: string[] = [];
  const second = { close: () => {} };
  dispatcher.add(
    "",
    (event) => {
      if (keyOf(event) === "/stop") second.close();
    },
    () => {},
  );
  second.close = dispatcher.add(
    "",
    (event) => got.push(keyOf(event)),
    () => {},
  ).close;
  dispatcher.emit([put("/a"), put("/stop"), put("/b")]);
  await nextTurn();
  assert.deepEqual(got, ["/a"]);
});

test("a throwing callback is reported and the others still get the event", async () => {
  const errors: unknown[] = [];
  const dispatcher = new WatchDispatcher((error) => errors.push(error));
  const got: string[] = [];
  dispatcher.add(
    "",
    () => {
      throw new Error("watcher bug");
    },
    () => {},
  );
  dispatcher.add(
    "",
    (event) => got.push(keyOf(event)),
    () => {},
  );
  dispatcher.emit([put("/a"), put("/b")]);
  await nextTurn();
  assert.deepEqual(got, ["/a", "/b"]);
  assert.equal(errors.length, 2);
  assert.match(String(errors[0]), /watcher bug/);
});

test("events emitted by a callback come after the current batch, in order", async () => {
  const dispatcher = new WatchDispatcher(noErrors);
  const got: string[] = [];
  dispatcher.add(
    "",
    (event) => {
      got.push(keyOf(event));
      if (keyOf(event) === "/a") dispatcher.emit([put("/from-callback")]);
    },
    () => {},
  );
  dispatcher.emit([put("/a"), put("/b")]);
  await nextTurn();
  await nextTurn();
  assert.deepEqual(got, ["/a", "/b", "/from-callback"]);
});

test("closeAll drops queued events and every watcher", async () => {
  const dispatcher = new WatchDispatcher(noErrors);
  const got: string[] = [];
  dispatcher.add(
    "",
    (event) => got.push(keyOf(event)),
    () => {},
  );
  dispatcher.emit([put("/a")]);
  dispatcher.closeAll();
  await nextTurn();
  assert.deepEqual(got, []);
  assert.equal(dispatcher.size, 0);
});
