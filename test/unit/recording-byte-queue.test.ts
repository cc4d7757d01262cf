import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { canonicalJson } from "../../src/events/index.js";
import { ByteQueue, MAX_BLOCK } from "../../src/recording/byte-queue.js";
import { printJson, type PrintFields } from "../../src/recording/chain-queue.js";

describe("recording byte queue", () => {
  it("gives back what was queued, across blocks, text and bytes in order", () => {
    const queue = new ByteQueue();
    const big = randomBytes(MAX_BLOCK + 12345);
    queue.appendText("line one\n");
    queue.append(big);
    queue.appendText("é\n");
    const taken = queue.take();
    assert.ok(taken);
    assert.ok(taken.parts.length > 1);
    assert.deepEqual(
      Buffer.concat(taken.parts),
      Buffer.concat([Buffer.from("line one\n"), big, Buffer.from("é\n")]),
    );
    assert.equal(queue.length, 0);
    assert.equal(queue.take(), undefined);
    taken.release();
  });

  it("keeps held bytes intact while later flushes reuse released blocks", () => {
    const queue = new ByteQueue();
    const first = randomBytes(3 * MAX_BLOCK);
    const held = queue.appendHeld(first);
    // The flush compresses and releases its blocks; the held copy must not be overwritten.
    queue.take()?.release();
    for (let i = 0; i < 4; i += 1) {
      queue.append(Buffer.alloc(3 * MAX_BLOCK, i + 1));
      queue.take()?.release();
    }
    assert.deepEqual(Buffer.concat(held.parts), first);
    held.release();
  });
});

describe("print event JSON", () => {
  it("is the canonical JSON of the print, with and without its hash", () => {
    const fields: PrintFields = {
      bytes: 70000,
      ci: 3,
      ei: 9,
      event: "print",
      ms: 1234,
      offset: 5000,
      time: "2024-05-01T10:00:01.234Z",
    };
    assert.equal(printJson(fields, undefined), canonicalJson(fields));
    const hash = "ab".repeat(32);
    assert.equal(printJson(fields, hash), canonicalJson({ ...fields, hash }));
  });
});
