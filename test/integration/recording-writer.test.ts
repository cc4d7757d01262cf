import assert from "node:assert/strict";
import { statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { RecordingReader, RecordingWriter } from "../../src/recording/index.js";
import { at, START } from "../fixtures/recording/sample.js";
import { tempDir } from "../helpers/tmp.js";
import { waitUntil } from "../helpers/wait.js";

const size = (path: string): number => statSync(path).size;

describe("RecordingWriter flushing", () => {
  const root = tempDir("recording-writer-");

  it("writes queued data on its own within the flush interval", async () => {
    const dir = join(root, "interval");
    const writer = await RecordingWriter.create({
      dir,
      sid: "s",
      startTime: START,
      flushIntervalMs: 10,
    });
    writer.writeEvent({ event: "session.start", time: at(0) });
    writer.writePrint(Buffer.from("hello"), at(1));
    const events = join(dir, "s-0.events.gz");
    await waitUntil("the background flush", () => (size(events) > 0 ? true : undefined));
    // What is on disk is a readable recording already, without a footer.
    const reader = await RecordingReader.open(dir, { sid: "s" });
    const { events: read, problems } = await reader.readAll();
    assert.deepEqual(problems, []);
    assert.deepEqual(
      read.map((e) => e.event.event),
      ["session.start", "print"],
    );
    assert.equal(reader.footer, undefined);
    await writer.complete();
  });

  it("writes early once maxPendingBytes are queued", async () => {
    const dir = join(root, "size");
    const writer = await RecordingWriter.create({
      dir,
      sid: "s",
      startTime: START,
      flushIntervalMs: 3_600_000,
      maxPendingBytes: 1000,
    });
    writer.writePrint(Buffer.alloc(2000, 0x61), at(1));
    const chunks = join(dir, "s-0.chunks.gz");
    await waitUntil("the size-triggered flush", () => (size(chunks) > 0 ? true : undefined));
    await writer.complete();
  });

  it("leaves unflushed data out on abort, as a crash would", async () => {
    const dir = join(root, "abort");
    const writer = await RecordingWriter.create({
      dir,
      sid: "s",
      startTime: START,
      flushIntervalMs: 3_600_000,
    });
    writer.writeEvent({ event: "session.start", time: at(0) });
    await writer.flush();
    writer.writeEvent({ event: "session.end", time: at(5) });
    await writer.abort();
    const { events } = await (await RecordingReader.open(dir, { sid: "s" })).readAll();
    assert.deepEqual(
      events.map((e) => e.event.event),
      ["session.start"],
    );
  });
});
