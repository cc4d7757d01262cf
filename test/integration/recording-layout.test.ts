import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  chainHash,
  EventSequenceError,
  InvalidEventError,
  InvalidNameError,
  RecordingClosedError,
  RecordingExistsError,
  RecordingWriter,
  type WrittenEvent,
} from "../../src/recording/index.js";
import { at, readGzipLines, SID, START, writeSample } from "../fixtures/recording/sample.js";
import { tempDir } from "../helpers/tmp.js";

const parse = (line: string): Record<string, unknown> =>
  JSON.parse(line) as Record<string, unknown>;

describe("recording layout (DESIGN §5)", () => {
  const root = tempDir("recording-layout-");

  it("writes the files of the guide's tree, BPF files only for kinds that occurred", async () => {
    const dir = join(root, "tree");
    await writeSample(dir);
    assert.deepEqual(readdirSync(dir).sort(), [
      `${SID}-0.chunks.gz`,
      `${SID}-0.events.gz`,
      `${SID}-0.session.command-events.gz`,
      `${SID}-0.session.network-events.gz`,
      `${SID}.index`,
    ]);
  });

  it("routes events by kind and numbers them across files", async () => {
    const dir = join(root, "routing");
    const { written } = await writeSample(dir);
    const eis = (kind: string): unknown[] =>
      readGzipLines(join(dir, `${SID}-0.${kind}.gz`)).map((l) => parse(l).ei);
    assert.deepEqual(eis("events"), [0, 1, 3, 5, 6, 8, 9, 10, 11]);
    assert.deepEqual(eis("session.command-events"), [2, 7]);
    assert.deepEqual(eis("session.network-events"), [4]);
    assert.deepEqual(
      written.map((e) => e.ei),
      written.map((_, i) => i),
    );
  });

  it("writes print events with bytes, ms, offset and ci", async () => {
    const dir = join(root, "prints");
    await writeSample(dir);
    const prints = readGzipLines(join(dir, `${SID}-0.events.gz`))
      .map(parse)
      .filter((e) => e.event === "print")
      .map(({ ei, time, bytes, ms, offset, ci }) => ({ ei, time, bytes, ms, offset, ci }));
    assert.deepEqual(prints, [
      { ei: 1, time: "2024-05-01T10:00:00.012Z", bytes: 2, ms: 12, offset: 0, ci: 0 },
      { ei: 3, time: "2024-05-01T10:00:01.51Z", bytes: 46, ms: 1510, offset: 2, ci: 1 },
      { ei: 6, time: "2024-05-01T10:00:02.1Z", bytes: 6, ms: 2100, offset: 48, ci: 2 },
      { ei: 8, time: "2024-05-01T10:00:02.21Z", bytes: 17, ms: 2210, offset: 54, ci: 3 },
    ]);
  });

  it("stores each event as canonical JSON with its chain hash", async () => {
    const dir = join(root, "hashes");
    const { written, printed } = await writeSample(dir);
    let previous = "";
    let print = 0;
    for (const event of written) {
      const bytes = event.event === "print" ? printed[print++] : undefined;
      assert.equal(event.hash, chainHash(previous, event, bytes), `ei=${event.ei}`);
      previous = event.hash;
    }
    const start = readGzipLines(join(dir, `${SID}-0.events.gz`))[0];
    assert.equal(
      start,
      JSON.stringify(Object.fromEntries(Object.entries(written[0] ?? {}).sort())),
    );
    assert.equal(written[0]?.time, "2024-05-01T10:00:00Z");
  });

  it("names the files in the index, and ends it with a footer", async () => {
    const dir = join(root, "index");
    const { written, completed } = await writeSample(dir);
    const lines = readFileSync(join(dir, `${SID}.index`), "utf8").split("\n");
    assert.equal(lines.pop(), "");
    const entry = (type: string, suffix: string): Record<string, unknown> => ({
      file_name: `${SID}-0.${suffix}`,
      index: 0,
      offset: 0,
      type,
    });
    const last = written[written.length - 1] as WrittenEvent;
    assert.deepEqual(lines.slice(0, -1).map(parse), [
      { sid: SID, start_time: "2024-05-01T10:00:00Z", type: "recording", version: 1 },
      entry("chunks", "chunks.gz"),
      entry("events", "events.gz"),
      entry("session.command", "session.command-events.gz"),
      entry("session.network", "session.network-events.gz"),
    ]);
    const footer = parse(lines[lines.length - 1] ?? "");
    assert.equal(typeof footer.completed_at, "string");
    delete footer.completed_at;
    assert.deepEqual(footer, {
      type: "footer",
      last_ei: 11,
      final_hash: last.hash,
      events: 12,
      event_counts: {
        print: 4,
        resize: 1,
        "session.command": 2,
        "session.data": 1,
        "session.end": 1,
        "session.leave": 1,
        "session.network": 1,
        "session.start": 1,
      },
      chunk_bytes: 71,
    });
    assert.equal(completed.finalHash, last.hash);
    assert.equal(completed.chunkBytes, 71);
    assert.deepEqual(
      completed.files.map((f) => f.kind),
      ["chunks", "events", "session.command", "session.network"],
    );
  });

  it("creates a BPF file, and its index entry, when the first event of its kind is flushed", async () => {
    const dir = join(root, "lazy");
    const sid = "lazy-session";
    const writer = await RecordingWriter.create({ dir, sid, startTime: START });
    const disk = join(dir, `${sid}-0.session.disk-events.gz`);
    assert.deepEqual(readdirSync(dir).sort(), [
      `${sid}-0.chunks.gz`,
      `${sid}-0.events.gz`,
      `${sid}.index`,
    ]);
    writer.writeEvent({ event: "session.disk", code: "T4001I", time: at(1), path: "/etc/hosts" });
    assert.equal(existsSync(disk), false);
    await writer.flush();
    assert.equal(existsSync(disk), true);
    assert.match(readFileSync(join(dir, `${sid}.index`), "utf8"), /"type":"session\.disk"/);
    assert.equal(readGzipLines(disk).length, 1);
    await writer.complete();
  });

  it("stores what JSON keeps of an event typed as an interface (as src/events declares them)", async () => {
    interface Resize {
      event: "resize";
      code: "T2002I";
      time: Date;
      size: string;
      dropped?: undefined;
      nested: { when: Date };
    }
    const resize: Resize = {
      event: "resize",
      code: "T2002I",
      time: at(1500),
      size: "80:25",
      nested: { when: at(1) },
    };
    const writer = await RecordingWriter.create({
      dir: join(root, "json"),
      sid: SID,
      startTime: START,
    });
    const stored = writer.writeEvent(resize);
    assert.deepEqual(stored, {
      event: "resize",
      code: "T2002I",
      time: "2024-05-01T10:00:01.5Z",
      size: "80:25",
      nested: { when: "2024-05-01T10:00:00.001Z" },
      ei: 0,
      hash: chainHash("", { ...stored, hash: undefined }, undefined),
    });
    await writer.complete();
  });

  it("takes the caller's ei when it is the next one and refuses it otherwise", async () => {
    const writer = await RecordingWriter.create({
      dir: join(root, "ei"),
      sid: SID,
      startTime: START,
    });
    assert.equal(writer.writeEvent({ event: "session.start", ei: 0, hash: "mine" }).ei, 0);
    assert.notEqual(writer.writeEvent({ event: "resize", hash: "mine" }).hash, "mine");
    assert.throws(() => writer.writeEvent({ event: "resize", ei: 5 }), EventSequenceError);
    assert.throws(() => writer.writeEvent({ event: "print" }), InvalidEventError);
    assert.throws(() => writer.writeEvent({ event: "" }), InvalidEventError);
    assert.equal(writer.nextEi, 2);
    await writer.complete();
    assert.throws(() => writer.writePrint(Buffer.from("x"), at(1)), RecordingClosedError);
    await assert.rejects(
      RecordingWriter.create({ dir: join(root, "ei"), sid: SID, startTime: START }),
      RecordingExistsError,
    );
    await assert.rejects(
      RecordingWriter.create({ dir: root, sid: "../escape", startTime: START }),
      InvalidNameError,
    );
  });
});
