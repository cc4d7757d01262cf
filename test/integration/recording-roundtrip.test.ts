import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  RecordingReader,
  RecordingWriter,
  sha256Hex,
  verifyRecording,
} from "../../src/recording/index.js";
import { tempDir } from "../helpers/tmp.js";

const TOTAL = 50 * 1024 * 1024;

describe("recording round trip", () => {
  it("returns 50 MB of random output byte-exact, with its timing", async () => {
    const dir = tempDir("recording-roundtrip-");
    const sid = "roundtrip";
    const start = new Date("2024-05-01T10:00:00Z");
    const source = randomBytes(TOTAL);
    const writer = await RecordingWriter.create({ dir, sid, startTime: start });
    writer.writeEvent({ event: "session.start", time: start });
    // What each print should read back as: its length, its ms and the hash of its bytes.
    const expected: { bytes: number; ms: number; sha: string }[] = [];
    let offset = 0;
    let ms = 0;
    let sinceFlush = 0;
    for (let i = 0; offset < TOTAL; i += 1) {
      // Sizes from 1 byte to 64 KiB, times advancing by 0..249 ms.
      const size = Math.min(TOTAL - offset, 1 + ((i * 7919) % 65536));
      ms += (i * 31) % 250;
      const data = source.subarray(offset, offset + size);
      writer.writePrint(data, new Date(start.getTime() + ms));
      expected.push({ bytes: size, ms, sha: sha256Hex(data) });
      offset += size;
      sinceFlush += size;
      if (i % 97 === 0) writer.writeEvent({ event: "resize", size: `${80 + (i % 40)}:25` });
      // Let the writer's own flushes catch up now and then, as a live session would.
      if (sinceFlush > 4 << 20) {
        await writer.flush();
        sinceFlush = 0;
      }
    }
    writer.writeEvent({ event: "session.end", time: new Date(start.getTime() + ms) });
    const completed = await writer.complete();
    assert.equal(completed.chunkBytes, TOTAL);

    const reader = await RecordingReader.open(completed.indexPath);
    let prints = 0;
    let nextEi = 0;
    let read = 0;
    for await (const item of reader) {
      assert.equal(item.ei, nextEi++);
      if (item.type !== "print") continue;
      const want = expected[prints++];
      assert.ok(want);
      assert.equal(item.data.length, want.bytes);
      assert.equal(item.event.ms, want.ms);
      assert.equal(item.event.offset, read);
      // Byte-exact, compared print by print without holding a second copy in memory.
      assert.equal(sha256Hex(item.data), want.sha, `print ci=${item.event.ci}`);
      read += item.data.length;
    }
    assert.deepEqual(reader.problems, []);
    assert.equal(prints, expected.length);
    assert.equal(read, TOTAL);
    assert.equal(nextEi, completed.events);
    assert.equal(reader.chunkBytes, TOTAL);

    const verified = await verifyRecording(join(dir, `${sid}.index`));
    assert.deepEqual(verified, {
      ok: true,
      sid,
      indexPath: completed.indexPath,
      events: completed.events,
      finalHash: completed.finalHash,
      chunkBytes: TOTAL,
    });
  });
});
