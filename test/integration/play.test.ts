import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { gunzipSync, gzipSync } from "node:zlib";
import { before, describe, it } from "node:test";
import { LocalUploader, RecordingWriter, uploadDir } from "../../src/recording/index.js";
import { parseAsciicast } from "../helpers/asciicast.js";
import { runCliProcess } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const start = new Date("2026-03-04T05:06:07.000Z");
const at = (ms: number): Date => new Date(start.getTime() + ms);
const output = ["$ ", "\x1b[32mcurl\x1b[0m http://127.0.0.1:8080/\r\n", "ok\r\n", "$ exit\r\n"];

/** A finished recording in a data dir, as a node would upload it. */
async function makeRecording(dataDir: string): Promise<{ sid: string; indexPath: string }> {
  const sid = randomUUID();
  const writer = await RecordingWriter.create({ dir: uploadDir(dataDir), sid, startTime: start });
  writer.writeEvent({
    event: "session.start",
    code: "T2000I",
    time: start,
    sid,
    size: "100:30",
    login: "root",
  });
  writer.writePrint(Buffer.from(output[0] ?? ""), at(10));
  writer.writeEvent({
    event: "session.command",
    code: "T4000I",
    time: at(1000),
    sid,
    path: "/usr/bin/curl",
    argv: ["http://127.0.0.1:8080/"],
    return_code: 0,
  });
  writer.writePrint(Buffer.from(output[1] ?? ""), at(1010));
  writer.writePrint(Buffer.from(output[2] ?? ""), at(2000));
  writer.writePrint(Buffer.from(output[3] ?? ""), at(9000));
  writer.writeEvent({
    event: "session.end",
    code: "T2004I",
    time: at(9100),
    sid,
    enhanced_recording: true,
  });
  const completed = await writer.complete();
  const { url } = await new LocalUploader({ dataDir, authServerId: randomUUID() }).upload(
    completed,
  );
  return { sid, indexPath: new URL(url).pathname };
}

describe("tsh play and tctl recordings verify", () => {
  let dataDir: string;
  let sid: string;
  let indexPath: string;
  before(async () => {
    dataDir = tempDir();
    ({ sid, indexPath } = await makeRecording(dataDir));
  });

  it("--format json prints the session's events in order", async () => {
    const result = await runCliProcess("tsh", [
      "play",
      "--data-dir",
      dataDir,
      "--format",
      "json",
      sid,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const events = result.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      events.map((e) => e["event"]),
      ["session.start", "print", "session.command", "print", "print", "print", "session.end"],
    );
    assert.deepEqual(
      events.map((e) => e["ei"]),
      [0, 1, 2, 3, 4, 5, 6],
    );
  });

  it("--format asciicast is valid asciicast v2 with a marker at the command", async () => {
    const result = await runCliProcess("tsh", ["play", "--format", "asciicast", indexPath]);
    assert.equal(result.code, 0, result.stderr);
    const cast = parseAsciicast(result.stdout);
    assert.deepEqual([cast.header.width, cast.header.height], [100, 30]);
    assert.deepEqual(
      cast.events.find((e) => e[1] === "m"),
      [1, "m", "/usr/bin/curl http://127.0.0.1:8080/"],
    );
    assert.equal(
      cast.events
        .filter((e) => e[1] === "o")
        .map((e) => e[2])
        .join(""),
      output.join(""),
    );
  });

  it("--format text prints what the screen showed", async () => {
    const result = await runCliProcess("tsh", [
      "play",
      "--format",
      "text",
      "--data-dir",
      dataDir,
      sid,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "$ curl http://127.0.0.1:8080/\nok\n$ exit\n");
  });

  it("replays to the terminal byte for byte, faster with --speed and --skip-idle-time", async () => {
    const result = await runCliProcess("tsh", [
      "play",
      "--speed",
      "8x",
      "--skip-idle-time",
      indexPath,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, output.join(""));
  });

  it("refuses a speed it does not offer as a usage error", async () => {
    const result = await runCliProcess("tsh", ["play", "--speed", "3x", indexPath]);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /argument '3x' is invalid\. Allowed choices are 0\.5x, 1x, 2x, 4x, 8x/,
    );
  });

  it("tctl recordings verify says OK, then names the first altered event", async () => {
    const ok = await runCliProcess("tctl", ["recordings", "verify", indexPath]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, new RegExp(`^OK: recording ${sid}: 7 events`));

    const eventsFile = indexPath.replace(/\.index$/, "-0.events.gz");
    const text = gunzipSync(readFileSync(eventsFile)).toString();
    writeFileSync(eventsFile, gzipSync(text.replace('"size":"100:30"', '"size":"100:31"')));
    const bad = await runCliProcess("tctl", ["recordings", "verify", indexPath]);
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      new RegExp(`^FAILED: recording ${sid}: event ei=0 \\(session\\.start\\) was altered`),
    );
  });
});
