import assert from "node:assert/strict";
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import {
  chainHash,
  RecordingNotFoundError,
  runVerify,
  sessionsDir,
  verifyRecording,
  type VerifyResult,
} from "../../src/recording/index.js";
import {
  editGzip,
  lineOfEi,
  readGzipLines,
  SID,
  writeGzipLines,
  writeSample,
} from "../fixtures/recording/sample.js";
import { tempDir } from "../helpers/tmp.js";

// writeSample's events: 0 session.start, 1 print (chunks 0..2), 2 session.command, 3 print (2..48),
// 4 session.network, 5 resize, 6 print (48..54), 7 session.command, 8 print (54..71),
// 9 session.data, 10 session.leave, 11 session.end.
const events = (dir: string): string => join(dir, `${SID}-0.events.gz`);
const commands = (dir: string): string => join(dir, `${SID}-0.session.command-events.gz`);
const network = (dir: string): string => join(dir, `${SID}-0.session.network-events.gz`);
const chunks = (dir: string): string => join(dir, `${SID}-0.chunks.gz`);
const index = (dir: string): string => join(dir, `${SID}.index`);

function problemOf(result: VerifyResult): { ei: number; kind: string; event?: string } {
  assert.equal(result.ok, false, "verify should fail");
  if (result.ok) throw new Error("unreachable");
  const { ei, kind, event } = result.problem;
  return event === undefined ? { ei, kind } : { ei, kind, event };
}

function capture(): {
  io: { stdout(t: string): void; stderr(t: string): void };
  out: string[];
  err: string[];
} {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t) => out.push(t), stderr: (t) => err.push(t) }, out, err };
}

describe("verifyRecording", () => {
  const root = tempDir("recording-verify-");
  let n = 0;
  const fresh = async (): Promise<{
    dir: string;
    written: Awaited<ReturnType<typeof writeSample>>["written"];
  }> => {
    const dir = join(root, String(n++));
    const { written } = await writeSample(dir);
    return { dir, written };
  };

  it("passes an intact recording and prints OK", async () => {
    const { dir, written } = await fresh();
    const result = await verifyRecording(index(dir));
    assert.equal(result.ok, true);
    assert.equal(result.ok && result.events, 12);
    const { io, out, err } = capture();
    assert.equal(await runVerify(index(dir), io), 0);
    assert.deepEqual(err, []);
    assert.deepEqual(out, [`OK: recording ${SID}: 12 events, final hash ${written[11]?.hash}\n`]);
  });

  it("names an event changed by one byte as altered", async () => {
    const { dir } = await fresh();
    editGzip(commands(dir), (data) => Buffer.from(data.toString().replace("/bin/ls", "/bin/lz")));
    assert.deepEqual(problemOf(await verifyRecording(index(dir))), {
      ei: 7,
      kind: "altered",
      event: "session.command",
    });
    const { io, out, err } = capture();
    assert.equal(await runVerify(index(dir), io), 1);
    assert.deepEqual(out, []);
    assert.match(
      err.join(""),
      new RegExp(
        `^FAILED: recording ${SID}: event ei=7 \\(session\\.command\\) was altered: its hash does not match`,
      ),
    );
  });

  it("names the print whose bytes were changed in chunks.gz", async () => {
    const { dir } = await fresh();
    editGzip(chunks(dir), (data) => {
      const copy = Buffer.from(data);
      copy[50] = (copy[50] ?? 0) ^ 0x20; // inside print ei=6 (bytes 48..54)
      return copy;
    });
    const result = await verifyRecording(index(dir));
    assert.deepEqual(problemOf(result), { ei: 6, kind: "altered", event: "print" });
    assert.match(!result.ok ? result.problem.message : "", /chunks\.gz bytes 48\.\.54/);
  });

  it("names an event changed and re-hashed by the event after it", async () => {
    const { dir, written } = await fresh();
    const lines = readGzipLines(commands(dir));
    const at = lineOfEi(lines, 7);
    const event = JSON.parse(lines[at] ?? "") as Record<string, unknown>;
    event.path = "/bin/rm";
    event.hash = chainHash(written[6]?.hash ?? "", event, undefined);
    lines[at] = JSON.stringify(event);
    writeGzipLines(commands(dir), lines);
    assert.deepEqual(problemOf(await verifyRecording(index(dir))), {
      ei: 8,
      kind: "altered",
      event: "print",
    });
  });

  it("names a removed event as missing", async () => {
    const { dir } = await fresh();
    const lines = readGzipLines(events(dir));
    lines.splice(lineOfEi(lines, 9), 1);
    writeGzipLines(events(dir), lines);
    assert.deepEqual(problemOf(await verifyRecording(index(dir))), { ei: 9, kind: "missing" });
  });

  it("names a removed BPF event (its file now empty) as missing", async () => {
    const { dir } = await fresh();
    writeGzipLines(network(dir), []);
    assert.deepEqual(problemOf(await verifyRecording(index(dir))), { ei: 4, kind: "missing" });
  });

  it("names events removed from the end as missing (the footer knows the end)", async () => {
    const { dir } = await fresh();
    writeGzipLines(events(dir), readGzipLines(events(dir)).slice(0, -1));
    assert.deepEqual(problemOf(await verifyRecording(index(dir))), { ei: 11, kind: "missing" });
  });

  it("names the first of two swapped events as reordered", async () => {
    const { dir } = await fresh();
    const lines = readGzipLines(events(dir));
    const a = lineOfEi(lines, 5);
    const b = lineOfEi(lines, 6);
    [lines[a], lines[b]] = [lines[b] ?? "", lines[a] ?? ""];
    writeGzipLines(events(dir), lines);
    const { io, err } = capture();
    assert.equal(await runVerify(index(dir), io), 1);
    assert.match(err.join(""), /event ei=5 \(resize\) is out of order: .*comes after ei=6/);
    assert.deepEqual(problemOf(await verifyRecording(index(dir))), {
      ei: 5,
      kind: "reordered",
      event: "resize",
    });
  });

  it("names a duplicated event as altered", async () => {
    const { dir } = await fresh();
    const lines = readGzipLines(events(dir));
    lines.push(lines[lineOfEi(lines, 3)] ?? "");
    writeGzipLines(events(dir), lines);
    assert.deepEqual(problemOf(await verifyRecording(index(dir))), {
      ei: 3,
      kind: "altered",
      event: "print",
    });
  });

  it("names an event moved to another file as altered", async () => {
    const { dir } = await fresh();
    const moved = readGzipLines(commands(dir));
    const lines = readGzipLines(events(dir));
    lines.splice(lineOfEi(lines, 8), 0, moved[1] ?? "");
    writeGzipLines(events(dir), lines);
    writeGzipLines(commands(dir), moved.slice(0, 1));
    assert.deepEqual(problemOf(await verifyRecording(index(dir))), {
      ei: 7,
      kind: "altered",
      event: "session.command",
    });
  });

  it("notices bytes added to chunks.gz and a rewritten footer", async () => {
    const extra = await fresh();
    appendFileSync(chunks(extra.dir), gzipSync("more output"));
    assert.equal(problemOf(await verifyRecording(index(extra.dir))).kind, "altered");

    const footer = await fresh();
    const text = readFileSync(index(footer.dir), "utf8").replace(
      /"final_hash":"[0-9a-f]/,
      '"final_hash":"x',
    );
    writeFileSync(index(footer.dir), text);
    assert.deepEqual(problemOf(await verifyRecording(index(footer.dir))), {
      ei: 11,
      kind: "altered",
      event: "session.end",
    });
  });

  it("finds a recording by session id in a data dir, or by folder and session id", async () => {
    const dataDir = join(root, "data");
    const dir = sessionsDir(dataDir, "auth-1");
    mkdirSync(dir, { recursive: true });
    await writeSample(dir);
    assert.equal((await verifyRecording(SID, { dataDir })).ok, true);
    assert.equal((await verifyRecording(dataDir, { sid: SID })).ok, true);
    assert.equal((await verifyRecording(dir, { sid: SID })).ok, true);
    assert.equal((await verifyRecording(dir)).ok, true);
    await assert.rejects(verifyRecording("no-such-session", { dataDir }), RecordingNotFoundError);
    const { io, err } = capture();
    assert.equal(await runVerify("no-such-session", io, { dataDir }), 1);
    assert.match(
      err.join(""),
      /^FAILED: recording no-such-session: no recording of session no-such-session under /,
    );
  });
});
