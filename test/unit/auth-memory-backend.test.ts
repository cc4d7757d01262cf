import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AlreadyExistsError,
  CompareFailedError,
  NotFoundError,
  type WatchEvent,
} from "../../src/backend/index.js";
import { ManualClock, MemoryBackend } from "../helpers/memory-backend.js";

describe("MemoryBackend (test helper)", () => {
  it("raises revisions on every write and checks them in compareAndSwap", async () => {
    const backend = new MemoryBackend();
    const first = await backend.create("/a", "1");
    const second = await backend.put("/a", "2");
    assert.ok(second.revision > first.revision);
    await assert.rejects(backend.create("/a", "3"), AlreadyExistsError);
    await assert.rejects(backend.compareAndSwap("/a", first.revision, "3"), CompareFailedError);
    await assert.rejects(backend.compareAndSwap("/b", 1, "3"), NotFoundError);
    const third = await backend.compareAndSwap("/a", second.revision, "3");
    assert.equal((await backend.get("/a"))?.value, "3");
    assert.equal(third.revision > second.revision, true);
  });

  it("keeps an item up to its expiry instant and drops it after, as SQLite does", async () => {
    const clock = new ManualClock();
    const backend = new MemoryBackend({ now: clock.now });
    await backend.put("/t", "x", { expires: new Date(clock.now().getTime() + 1000) });
    clock.advance(1000);
    assert.equal((await backend.get("/t"))?.value, "x");
    clock.advance(1);
    assert.equal(await backend.get("/t"), undefined);
    // An expired key can be created again.
    await backend.create("/t", "y");
  });

  it("lists and deletes ranges in key order, and reports changes to watchers later", async () => {
    const backend = new MemoryBackend();
    const events: WatchEvent[] = [];
    const watcher = backend.watch("/r/", (event) => events.push(event));
    await backend.put("/r/b", "2");
    await backend.put("/r/a", "1");
    await backend.put("/s", "3");
    assert.equal(events.length, 0, "never inside the write");
    assert.deepEqual(
      (await backend.getRange("/r/")).map((item) => item.key),
      ["/r/a", "/r/b"],
    );
    assert.equal(await backend.deleteRange("/r/"), 2);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      events.map((e) => (e.type === "put" ? `put ${e.item.key}` : `delete ${e.key}`)),
      ["put /r/b", "put /r/a", "delete /r/a", "delete /r/b"],
    );
    watcher.close();
  });
});
