import assert from "node:assert/strict";
import { appendFileSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  RecordingDamageError,
  RecordingReader,
  verifyRecording,
  type RecordedEvent,
} from "../../src/recording/index.js";
import {
  lineOfEi,
  readGzipLines,
  SID,
  writeGzipLines,
  writeSample,
} from "../fixtures/recording/sample.js";
import { tempDir } from "../helpers/tmp.js";

const events = (dir: string): string => join(dir, `${SID}-0.events.gz`);
const chunks = (dir: string): string => join(dir, `${SID}-0.chunks.gz`);
const index = (dir: string): string => join(dir, `${SID}.index`);

async function readBack(
  dir: string,
): Promise<{ eis: number[]; items: RecordedEvent[]; problems: RecordingDamageError[] }> {
  const reader = await RecordingReader.open(index(dir));
  const { events: items, problems } = await reader.readAll();
  return { eis: items.map((e) => e.ei), items, problems };
}

const ALL = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

describe("reading damaged recordings", () => {
  const root = tempDir("recording-damage-");
  let n = 0;
  // One gzip member per event, so that damage to one member leaves the ones before it whole.
  const fresh = async (): Promise<string> => {
    const dir = join(root, String(n++));
    await writeSample(dir, { flushEach: true });
    return dir;
  };

  it("reads an undamaged recording written in many members", async () => {
    const dir = await fresh();
    const { eis, problems, items } = await readBack(dir);
    assert.deepEqual(eis, ALL);
    assert.deepEqual(problems, []);
    const output = items.flatMap((e) =>
      e.type === "print" ? [Buffer.from(e.data).toString()] : [],
    );
    assert.equal(
      output.join(""),
      "$ curl https://wttr.in\r\nWeather report: Berlin\r\n$ ls\r\ntotal 0\r\n$ exit\r\n",
    );
  });

  it("returns everything before a cut-off events.gz and says where it was cut", async () => {
    const dir = await fresh();
    const size = readFileSync(events(dir)).length;
    truncateSync(events(dir), size - 30); // into the member of ei=11 (session.end)
    const { eis, problems } = await readBack(dir);
    assert.deepEqual(eis, ALL.slice(0, 11));
    assert.equal(problems.length, 1);
    const [problem] = problems;
    assert.ok(problem instanceof RecordingDamageError);
    assert.equal(problem.damage, "truncated");
    assert.equal(problem.file, events(dir));
    assert.equal(problem.afterEi, 10);
    assert.match(
      problem.message,
      /-0\.events\.gz: ends in the middle of a gzip member .* events after line 8 \(ei=10\) are lost/,
    );
    const verified = await verifyRecording(index(dir));
    assert.equal(!verified.ok && verified.problem.kind, "truncated");
    assert.equal(!verified.ok && verified.problem.ei, 11);
  });

  it("returns the prints before a cut-off chunks.gz", async () => {
    const dir = await fresh();
    const size = readFileSync(chunks(dir)).length;
    truncateSync(chunks(dir), size - 10); // into the last print's member (ei=8)
    const { eis, problems } = await readBack(dir);
    assert.deepEqual(eis, [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11]);
    assert.deepEqual(
      problems.map((p) => [p.damage, p.file]),
      [["truncated", chunks(dir)]],
    );
    assert.match(problems[0]?.message ?? "", /print events after ei=6 have no output/);
    const verified = await verifyRecording(index(dir));
    assert.deepEqual(!verified.ok && [verified.problem.ei, verified.problem.kind], [
      8,
      "truncated",
    ]);
  });

  it("skips a garbage line, names its line, and reads on", async () => {
    const dir = await fresh();
    const lines = readGzipLines(events(dir));
    const at = lineOfEi(lines, 5);
    lines[at] = '{"event":"resize","ei":5,"size":"80:2';
    writeGzipLines(events(dir), lines);
    const { eis, problems } = await readBack(dir);
    assert.deepEqual(
      eis,
      ALL.filter((ei) => ei !== 5),
    );
    assert.equal(problems.length, 1);
    assert.equal(problems[0]?.damage, "bad-line");
    assert.equal(problems[0]?.line, at + 1);
    assert.deepEqual([problems[0]?.afterEi, problems[0]?.beforeEi], [3, 6]);
    assert.match(
      problems[0]?.message ?? "",
      new RegExp(`-0\\.events\\.gz line ${at + 1}: is not JSON`),
    );
    const verified = await verifyRecording(index(dir));
    assert.deepEqual(!verified.ok && [verified.problem.ei, verified.problem.kind], [
      5,
      "unreadable",
    ]);
  });

  it("gives swapped print events their own bytes and reports the disorder", async () => {
    const dir = await fresh();
    const lines = readGzipLines(events(dir));
    const a = lineOfEi(lines, 6);
    const b = lineOfEi(lines, 8);
    [lines[a], lines[b]] = [lines[b] ?? "", lines[a] ?? ""];
    writeGzipLines(events(dir), lines);
    const { items, problems } = await readBack(dir);
    const output = Object.fromEntries(
      items.flatMap((e) => (e.type === "print" ? [[e.ei, Buffer.from(e.data).toString()]] : [])),
    );
    assert.deepEqual(output[6], "$ ls\r\n");
    assert.deepEqual(output[8], "total 0\r\n$ exit\r\n");
    assert.deepEqual(
      problems.map((p) => [p.damage, p.ei]),
      [["out-of-order", 6]],
    );
    const verified = await verifyRecording(index(dir));
    assert.deepEqual(!verified.ok && [verified.problem.ei, verified.problem.kind], [
      6,
      "reordered",
    ]);
  });

  it("reports garbage after the last gzip member and keeps every event", async () => {
    const dir = await fresh();
    appendFileSync(events(dir), "this is not gzip");
    const { eis, problems } = await readBack(dir);
    assert.deepEqual(eis, ALL);
    assert.deepEqual(
      problems.map((p) => p.damage),
      ["corrupt"],
    );
    assert.match(problems[0]?.message ?? "", /not a gzip member/);
  });

  it("reads a recording whose index is missing from its files, and says so", async () => {
    const dir = await fresh();
    rmSync(index(dir));
    const { eis, problems } = await readBack(dir);
    assert.deepEqual(eis, ALL);
    assert.deepEqual(
      problems.map((p) => p.damage),
      ["index-missing"],
    );
    assert.match(problems[0]?.message ?? "", /\.index: does not exist .*found by name instead/);
    const verified = await verifyRecording(index(dir));
    assert.deepEqual(!verified.ok && [verified.problem.ei, verified.problem.kind], [
      12,
      "unreadable",
    ]);
  });

  it("reports a file the index names that is gone", async () => {
    const dir = await fresh();
    rmSync(join(dir, `${SID}-0.session.command-events.gz`));
    const { eis, problems } = await readBack(dir);
    assert.deepEqual(
      eis,
      ALL.filter((ei) => ei !== 2 && ei !== 7),
    );
    assert.deepEqual(
      problems.map((p) => p.damage),
      ["file-missing"],
    );
    const verified = await verifyRecording(index(dir));
    assert.equal(!verified.ok && verified.problem.ei, 2);
    assert.match(
      !verified.ok ? verified.problem.message : "",
      /command-events\.gz: is named by the index but does not exist/,
    );
  });

  it("reports index lines it cannot use", async () => {
    const dir = await fresh();
    writeFileSync(
      index(dir),
      readFileSync(index(dir), "utf8").replace('"type":"footer"', '"type":"fotter"'),
    );
    const reader = await RecordingReader.open(index(dir));
    assert.equal(reader.footer, undefined);
    assert.deepEqual(
      reader.problems.map((p) => [p.damage, p.line]),
      [["index-line", 6]],
    );
    const { events: items } = await reader.readAll();
    assert.deepEqual(
      items.map((e) => e.ei),
      ALL,
    );
  });
});
