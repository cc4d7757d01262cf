import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import {
  LocalUploader,
  RecordingReader,
  RecordingWriter,
  recoverUnfinished,
  sessionsDir,
  uploadDir,
  verifyRecording,
  type RecoveryOutcome,
} from "../../src/recording/index.js";
import { repoRoot } from "../../src/paths.js";
import { at, SID, START, writeSample } from "../fixtures/recording/sample.js";
import { tempDir } from "../helpers/tmp.js";

const AUTH = "1048a649-8f3f-4431-9529-0c53339b65a5";

function uploaded(
  outcome: RecoveryOutcome | undefined,
): Extract<RecoveryOutcome, { status: "uploaded" }> {
  assert.ok(outcome, "an outcome");
  if (outcome.status !== "uploaded") throw outcome.error;
  return outcome;
}

function footerOf(indexPath: string): Record<string, unknown> {
  const lines = readFileSync(indexPath, "utf8").trimEnd().split("\n");
  return JSON.parse(lines[lines.length - 1] ?? "") as Record<string, unknown>;
}

/** Lines the child printed, resolved as they arrive. */
function lineReader(stream: NodeJS.ReadableStream): (match: RegExp) => Promise<RegExpExecArray> {
  let buffered = "";
  const waiting: { match: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
  stream.setEncoding("utf8");
  stream.on("data", (text: string) => {
    buffered += text;
    for (const w of [...waiting]) {
      const m = w.match.exec(buffered);
      if (m) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  return (match) =>
    new Promise((resolve) => {
      const m = match.exec(buffered);
      if (m) resolve(m);
      else waiting.push({ match, resolve });
    });
}

describe("recovery and upload", () => {
  it("completes and uploads what a writer killed with SIGKILL had flushed", async () => {
    const dataDir = tempDir("recording-crash-");
    const upload = uploadDir(dataDir);
    const sid = "crashed-session";
    const script = fileURLToPath(new URL("../fixtures/recording/crash-writer.ts", import.meta.url));
    const child = spawn(process.execPath, ["--import", "tsx", script, upload, sid], {
      cwd: repoRoot(),
      stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = once(child, "exit");
    const line = lineReader(child.stdout);
    const flushed = await Promise.race([
      line(/flushed (\d+) (\d+)\n/),
      exited.then(() => undefined),
    ]);
    assert.ok(flushed, "the writer exited before it flushed");
    await Promise.race([line(/writing\n/), exited]);
    child.kill("SIGKILL");
    const [, signal] = await exited;
    assert.equal(signal, "SIGKILL");
    const events = Number(flushed[1]);
    const chunkBytes = Number(flushed[2]);

    const outcomes = await recoverUnfinished({
      uploadDir: upload,
      uploader: new LocalUploader({ dataDir, authServerId: AUTH }),
    });
    assert.equal(outcomes.length, 1);
    const outcome = uploaded(outcomes[0]);
    assert.equal(outcome.recovered, true);
    assert.ok(outcome.completed.events >= events, `${outcome.completed.events} >= ${events}`);
    assert.ok(outcome.completed.chunkBytes >= chunkBytes);
    assert.deepEqual(readdirSync(upload), []);

    const indexPath = join(sessionsDir(dataDir, AUTH), `${sid}.index`);
    assert.equal(outcome.url, `file://${indexPath}`);
    const footer = footerOf(indexPath);
    assert.equal(footer.recovered, true);
    assert.equal(footer.events, outcome.completed.events);
    const verified = await verifyRecording(indexPath);
    assert.equal(verified.ok, true, JSON.stringify(verified));
    assert.equal(verified.ok && verified.events, outcome.completed.events);
    assert.equal((await verifyRecording(sid, { dataDir })).ok, true);
  });

  it("keeps the intact prefix when the tail is damaged, and says what it dropped", async () => {
    const dataDir = tempDir("recording-tail-");
    const upload = uploadDir(dataDir);
    const sid = "damaged-tail";
    const writer = await RecordingWriter.create({ dir: upload, sid, startTime: START });
    writer.writeEvent({ event: "session.start", time: at(0) });
    writer.writePrint(Buffer.from("hello\r\n"), at(5));
    writer.writeEvent({ event: "session.command", time: at(6), path: "/bin/true" });
    await writer.flush();
    writer.writePrint(Buffer.from("lost output"), at(7));
    await writer.abort();
    // As if killed mid-flush: events.gz gets half a member, the command file a later event (ei=4)
    // whose predecessor (ei=3) never reached the disk.
    const half = gzipSync('{"event":"resize","ei":3}\n');
    appendFileSync(join(upload, `${sid}-0.events.gz`), half.subarray(0, half.length - 5));
    appendFileSync(
      join(upload, `${sid}-0.session.command-events.gz`),
      gzipSync('{"event":"session.command","ei":4,"hash":"00"}\n'),
    );

    const [outcome] = await recoverUnfinished({
      uploadDir: upload,
      uploader: new LocalUploader({ dataDir, authServerId: AUTH }),
    });
    const done = uploaded(outcome);
    assert.equal(done.completed.events, 3);
    assert.equal(done.completed.chunkBytes, 7);
    const indexPath = join(sessionsDir(dataDir, AUTH), `${sid}.index`);
    const footer = footerOf(indexPath);
    assert.equal(footer.recovered, true);
    const salvage = footer.salvage as { events_dropped: number; problems: string[] };
    assert.equal(salvage.events_dropped, 2); // the partial resize line (ei=3) is read from the cut member
    assert.match(salvage.problems[0] ?? "", /^event ei=3: it has no hash/);
    assert.ok(
      salvage.problems.some((p) => /events\.gz: ends in the middle of a gzip member/.test(p)),
    );
    const verified = await verifyRecording(indexPath);
    assert.equal(verified.ok, true, JSON.stringify(verified));
    const { events } = await (await RecordingReader.open(indexPath)).readAll();
    assert.deepEqual(
      events.map((e) => e.event.event),
      ["session.start", "print", "session.command"],
    );
  });

  it("uploads a completed recording that was not uploaded yet, and finishes an interrupted upload", async () => {
    const dataDir = tempDir("recording-upload-");
    const upload = uploadDir(dataDir);
    await writeSample(upload);
    await writeSample(upload, { sid: "second-session" });
    // The first upload of second-session stopped after moving its chunks.
    const target = sessionsDir(dataDir, AUTH);
    mkdirSync(target, { recursive: true });
    renameSync(
      join(upload, "second-session-0.chunks.gz"),
      join(target, "second-session-0.chunks.gz"),
    );

    const outcomes = await recoverUnfinished({
      uploadDir: upload,
      uploader: new LocalUploader({ dataDir, authServerId: AUTH }),
    });
    assert.deepEqual(
      outcomes.map((o) => [o.sid, o.status, o.status === "uploaded" && o.recovered]),
      [
        [SID, "uploaded", false],
        ["second-session", "uploaded", false],
      ],
    );
    assert.deepEqual(readdirSync(upload), []);
    for (const sid of [SID, "second-session"]) {
      const result = await verifyRecording(join(target, `${sid}.index`));
      assert.equal(result.ok, true, JSON.stringify(result));
    }
  });

  it("completes a recording that never got an event", async () => {
    const dataDir = tempDir("recording-empty-");
    const upload = uploadDir(dataDir);
    const writer = await RecordingWriter.create({ dir: upload, sid: "empty", startTime: START });
    await writer.abort();
    const [outcome] = await recoverUnfinished({
      uploadDir: upload,
      uploader: new LocalUploader({ dataDir, authServerId: AUTH }),
    });
    const done = uploaded(outcome);
    assert.equal(done.completed.events, 0);
    assert.equal(done.completed.lastEi, -1);
    const result = await verifyRecording(join(sessionsDir(dataDir, AUTH), "empty.index"));
    assert.deepEqual(result.ok && [result.events, result.finalHash], [0, ""]);
  });

  it("reports a recording it cannot handle and goes on with the others", async () => {
    const dataDir = tempDir("recording-mixed-");
    const upload = uploadDir(dataDir);
    await writeSample(upload);
    mkdirSync(upload, { recursive: true });
    appendFileSync(join(upload, "not a session.index"), "");
    const outcomes = await recoverUnfinished({
      uploadDir: upload,
      uploader: new LocalUploader({ dataDir, authServerId: AUTH }),
    });
    assert.deepEqual(
      outcomes.map((o) => [o.sid, o.status]),
      [
        [SID, "uploaded"],
        ["not a session", "failed"],
      ],
    );
    const failed = outcomes[1];
    assert.match(
      failed?.status === "failed" ? failed.error.message : "",
      /cannot be used in a file name/,
    );
    assert.deepEqual(
      await recoverUnfinished({
        uploadDir: join(dataDir, "nowhere"),
        uploader: new LocalUploader({ dataDir, authServerId: AUTH }),
      }),
      [],
    );
  });

  it("copies across file systems when rename cannot", async (t) => {
    if (!existsSync("/dev/shm") || statSync("/dev/shm").dev === statSync(tempDir("probe-")).dev) {
      t.skip("needs /dev/shm on another file system than the temp folder");
      return;
    }
    const other = mkdtempSync("/dev/shm/recording-exdev-");
    after(() => rmSync(other, { recursive: true, force: true }));
    const upload = join(tempDir("recording-exdev-src-"), "upload");
    const { completed } = await writeSample(upload);
    const { url } = await new LocalUploader({ dataDir: other, authServerId: AUTH }).upload(
      completed,
    );
    assert.equal(url, `file://${join(sessionsDir(other, AUTH), `${SID}.index`)}`);
    assert.deepEqual(readdirSync(upload), []);
    assert.equal((await verifyRecording(join(sessionsDir(other, AUTH), `${SID}.index`))).ok, true);
  });
});
