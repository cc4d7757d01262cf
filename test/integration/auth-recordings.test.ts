// Recording uploads: files are staged, verified by their hash chain, then published with a
// session.upload event; a tampered recording is refused (422), kept in quarantine, unpublished.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { sessionsDir } from "../../src/recording/index.js";
import { editGzip, writeSample } from "../fixtures/recording/sample.js";
import { tempDir } from "../helpers/tmp.js";
import {
  apiError,
  joinHost,
  startAuthFixture,
  type AuthFixture,
  type JoinedHost,
} from "./auth-fixture.js";

describe("recording uploads", () => {
  let f: AuthFixture;
  let node: JoinedHost;
  before(async () => {
    f = await startAuthFixture();
    node = await joinHost(f);
  });
  after(() => f.close());

  /** Writes a sample recording of a new session; returns its folder, sid and file names. */
  async function sample(): Promise<{ dir: string; sid: string; files: string[] }> {
    const dir = tempDir("recording-");
    const sid = randomUUID();
    await writeSample(dir, { sid, serverId: node.hostId });
    return { dir, sid, files: readdirSync(dir).sort() };
  }

  async function upload(rec: { dir: string; sid: string; files: string[] }): Promise<void> {
    for (const name of rec.files) {
      const sent = await node.client.uploadRecordingFile(
        rec.sid,
        name,
        readFileSync(join(rec.dir, name)),
      );
      assert.equal(sent.name, name);
    }
  }

  it("has the guide's log layout from the start: sessions, upload and playbacks folders", () => {
    const serverId = readFileSync(join(f.dataDir, "host_uuid"), "utf8").trim();
    for (const dir of [
      sessionsDir(f.dataDir, serverId),
      join(f.dataDir, "log", "upload", "sessions", "default"),
      join(f.dataDir, "log", "playbacks", "sessions", "default"),
    ]) {
      assert.ok(existsSync(dir), dir);
    }
  });

  it("publishes a good recording and writes a session.upload event", async () => {
    const rec = await sample();
    await upload(rec);
    const done = await node.client.completeRecording(rec.sid);
    assert.equal(done.events, 12);
    assert.equal(done.alreadyPublished, false);
    const published = sessionsDir(f.dataDir, f.server.state.serverId);
    assert.deepEqual(
      readdirSync(published)
        .filter((name) => name.startsWith(rec.sid))
        .sort(),
      rec.files,
    );
    assert.equal(done.url, `file://${join(published, `${rec.sid}.index`)}`);
    const events = await f.admin.searchEvents({ sid: rec.sid, types: "session.upload" });
    assert.equal(events.events.length, 1);
    assert.equal(events.events[0]?.["code"], "T2005I");
    assert.equal(events.events[0]?.["url"], done.url);
    // What was verified, so a recording cut short later shows.
    assert.equal(events.events[0]?.["events"], 12);
    const index = readFileSync(join(published, `${rec.sid}.index`), "utf8");
    const finalHash = events.events[0]?.["final_hash"];
    assert.ok(typeof finalHash === "string" && finalHash.length > 0);
    assert.ok(index.includes(finalHash));

    // A retried complete is answered from what was published.
    const again = await node.client.completeRecording(rec.sid);
    assert.equal(again.alreadyPublished, true);
    assert.equal(again.events, 12);
    const still = await f.admin.searchEvents({ sid: rec.sid, types: "session.upload" });
    assert.equal(still.events.length, 1, "a retried complete logs no second session.upload");
    const listed = await f.admin.listRecordings();
    assert.ok(
      listed.some((entry) => entry.sid === rec.sid && entry.files.length === rec.files.length),
    );
  });

  it("logs session.upload on a retried complete when auth stopped before logging it", async () => {
    const rec = await sample();
    await upload(rec);
    await node.client.completeRecording(rec.sid);
    // As if auth had stopped between publishing the recording and appending the event.
    const logDir = join(f.dataDir, "log", f.server.state.serverId);
    for (const name of readdirSync(logDir).filter((n) => n.endsWith(".log"))) {
      const path = join(logDir, name);
      const kept = readFileSync(path, "utf8")
        .split("\n")
        .filter((line) => !(line.includes('"session.upload"') && line.includes(rec.sid)));
      // In place: the log keeps its file open for appending.
      writeFileSync(path, kept.join("\n"));
    }
    const before = await f.admin.searchEvents({ sid: rec.sid, types: "session.upload" });
    assert.equal(before.events.length, 0);

    const retried = await node.client.completeRecording(rec.sid);
    assert.equal(retried.alreadyPublished, true);
    const after = await f.admin.searchEvents({ sid: rec.sid, types: "session.upload" });
    assert.equal(after.events.length, 1);
    assert.equal(after.events[0]?.["events"], 12);
  });

  it("refuses a recording with a tampered event, naming it, and keeps it out of the log", async () => {
    const rec = await sample();
    editGzip(join(rec.dir, `${rec.sid}-0.session.command-events.gz`), (data) =>
      Buffer.from(data.toString().replace("/bin/ls", "/bin/lz")),
    );
    await upload(rec);
    const error = await apiError(() => node.client.completeRecording(rec.sid));
    assert.equal(error.status, 422);
    assert.equal(error.code, "recording_rejected");
    assert.match(
      error.message,
      new RegExp(`^FAILED: recording ${rec.sid}: event ei=7 \\(session\\.command\\) was altered`),
    );
    const published = sessionsDir(f.dataDir, f.server.state.serverId);
    assert.equal(existsSync(join(published, `${rec.sid}.index`)), false);
    const quarantined = readdirSync(join(f.dataDir, "recordings", "quarantine"));
    assert.ok(quarantined.some((name) => name.startsWith(rec.sid)));
    const events = await f.admin.searchEvents({ sid: rec.sid, types: "session.upload" });
    assert.equal(events.events.length, 0);
  });

  it("lets only the node that started a recording add to it or complete it", async () => {
    const other = await joinHost(f, "node", "node-2");
    const rec = await sample();
    const [first, ...rest] = rec.files;
    assert.ok(first);
    await node.client.uploadRecordingFile(rec.sid, first, readFileSync(join(rec.dir, first)));
    const put = await apiError(() =>
      other.client.uploadRecordingFile(rec.sid, first, Buffer.from("replaced")),
    );
    assert.equal(put.status, 403);
    assert.match(put.message, /being uploaded by another node/);
    for (const name of rest) {
      await node.client.uploadRecordingFile(rec.sid, name, readFileSync(join(rec.dir, name)));
    }
    const complete = await apiError(() => other.client.completeRecording(rec.sid));
    assert.equal(complete.status, 403);
    assert.equal((await node.client.completeRecording(rec.sid)).events, 12);
    const again = await apiError(() => other.client.completeRecording(rec.sid));
    assert.equal(again.status, 403);
  });

  it("refuses a recording whose events name another server", async () => {
    const dir = tempDir("recording-");
    const sid = randomUUID();
    await writeSample(dir, { sid, serverId: randomUUID() });
    await upload({ dir, sid, files: readdirSync(dir).sort() });
    const error = await apiError(() => node.client.completeRecording(sid));
    assert.equal(error.status, 422);
    assert.match(error.message, /event ei=0 \(session\.start\) was altered: it names server/);
    const published = sessionsDir(f.dataDir, f.server.state.serverId);
    assert.equal(existsSync(join(published, `${sid}.index`)), false);
  });

  it("does not let a PUT replace a file between verify and publish", async () => {
    const rec = await sample();
    await upload(rec);
    const store = f.server.state.recordings;
    const target = `${rec.sid}-0.session.command-events.gz`;
    const original = readFileSync(join(rec.dir, target));
    editGzip(join(rec.dir, target), (data) =>
      Buffer.from(data.toString().replace("/bin/ls", "/bin/lz")),
    );
    const tampered = readFileSync(join(rec.dir, target));
    const completing = store.complete(rec.sid, node.hostId);
    const putting = store.putFile(rec.sid, target, Readable.from([tampered]), node.hostId);
    const [done, put] = await Promise.allSettled([completing, putting]);
    assert.equal(done.status, "fulfilled");
    assert.equal(put.status, "rejected");
    assert.equal((put.reason as { status?: number }).status, 409);
    const published = sessionsDir(f.dataDir, f.server.state.serverId);
    assert.deepEqual(readFileSync(join(published, target)), original);
  });

  it("accepts only the file names a recording has, and only from nodes", async () => {
    const sid = randomUUID();
    const badName = await apiError(() =>
      node.client.uploadRecordingFile(sid, "passwd", Buffer.from("x")),
    );
    assert.equal(badName.status, 400);
    assert.match(badName.message, /is not part of a recording of session/);
    const badSid = await apiError(() =>
      node.client.uploadRecordingFile("../etc", "../etc.index", Buffer.from("x")),
    );
    assert.equal(badSid.status, 400);
    const notNode = await apiError(() =>
      f.admin.uploadRecordingFile(sid, `${sid}.index`, Buffer.from("x")),
    );
    assert.equal(notNode.status, 403);
    const nothing = await apiError(() => node.client.completeRecording(sid));
    assert.equal(nothing.status, 404);
  });
});
