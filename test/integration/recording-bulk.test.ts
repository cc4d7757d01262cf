import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  RecordingReader,
  RecordingWriter,
  sha256Hex,
  verifyRecording,
  type WrittenEvent,
} from "../../src/recording/index.js";
import { tempDir } from "../helpers/tmp.js";

const CHUNK = 64 * 1024;
const MiB = 1024 * 1024;

describe("recording bulk output (queuePrint)", () => {
  const root = tempDir("recording-bulk-");

  it("records 24 MiB of pipe-sized output byte-exact, in few print events, with events in order", async () => {
    const dir = join(root, "bulk");
    const start = new Date("2024-05-01T10:00:00Z");
    // Half random (hashed and compressed as is), half zeros (compresses to almost nothing).
    const source = Buffer.concat([randomBytes(12 * MiB), Buffer.alloc(12 * MiB)]);
    const writer = await RecordingWriter.create({ dir, sid: "bulk", startTime: start });
    const sent: WrittenEvent[] = [];
    writer.queueEvent({ event: "session.start", time: start }, (e) => sent.push(e));
    // One buffer reused for every read, as a pipe reader may: the writer must have copied it.
    const reused = Buffer.alloc(CHUNK);
    let calls = 0;
    for (let offset = 0; offset < source.length; offset += CHUNK) {
      source.copy(reused, 0, offset, offset + CHUNK);
      writer.queuePrint(reused, new Date(start.getTime() + calls));
      reused.fill(0xee);
      calls += 1;
      // Now and then an event between prints, and a turn of the event loop.
      if (calls % 50 === 0) {
        writer.queueEvent({ event: "resize", size: `${80 + calls / 50}:25` }, (e) => sent.push(e));
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    writer.queueEvent({ event: "session.end" }, (e) => sent.push(e));
    const completed = await writer.complete();
    assert.equal(completed.chunkBytes, source.length);
    // The events handed on are numbered in order and chained as on disk.
    assert.deepEqual(
      sent.map((e) => e.event),
      ["session.start", ...Array<string>(Math.floor(calls / 50)).fill("resize"), "session.end"],
    );

    const reader = await RecordingReader.open(completed.indexPath);
    let read = 0;
    let prints = 0;
    let nextEi = 0;
    for await (const item of reader) {
      assert.equal(item.ei, nextEi++);
      if (item.type === "event") {
        assert.equal(item.event.hash, sent.find((e) => e.ei === item.ei)?.hash);
        continue;
      }
      prints += 1;
      assert.equal(item.event.offset, read);
      assert.ok(item.data.length <= MiB, `a print of ${item.data.length} bytes`);
      const want = source.subarray(read, read + item.data.length);
      assert.equal(sha256Hex(item.data), sha256Hex(want), `print ci=${item.event.ci}`);
      read += item.data.length;
    }
    assert.deepEqual(reader.problems, []);
    assert.equal(read, source.length);
    assert.ok(prints < calls / 4, `${calls} pipe reads became ${prints} print events`);
    const verified = await verifyRecording(completed.indexPath);
    assert.equal(verified.ok, true, JSON.stringify(verified));
  });

  it("says when output piles up in memory faster than it is written, and when it has drained", async () => {
    const dir = join(root, "backlog");
    const writer = await RecordingWriter.create({
      dir,
      sid: "backlog",
      startTime: new Date(),
      // No flush but the one below.
      flushIntervalMs: 3_600_000,
      maxPendingBytes: 1 << 30,
    });
    const data = randomBytes(CHUNK);
    for (let i = 0; i < 1024 && !writer.backlogged; i += 1) writer.queuePrint(data, new Date());
    assert.equal(writer.backlogged, true, `${writer.stats.chunkBytes} bytes queued`);
    assert.ok(writer.stats.chunkBytes >= 16 * MiB, `${writer.stats.chunkBytes} bytes queued`);
    let drained = false;
    const waiting = writer.drained().then(() => (drained = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(drained, false);
    await writer.flush();
    await waiting;
    assert.equal(writer.backlogged, false);
    const completed = await writer.complete();
    const verified = await verifyRecording(completed.indexPath);
    assert.equal(verified.ok, true, JSON.stringify(verified));
  });
});
