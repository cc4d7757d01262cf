// Reading published recordings back: users whose roles allow reading sessions download them
// (one session.recording.access event per playback); users who may log in to nodes list and
// download only the sessions they took part in; everyone else gets a 403.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { AuthClient } from "../../src/auth/index.js";
import { RecordingReader } from "../../src/recording/index.js";
import { writeSample } from "../fixtures/recording/sample.js";
import { tempDir } from "../helpers/tmp.js";
import {
  apiError,
  joinHost,
  startAuthFixture,
  userClient,
  type AuthFixture,
} from "./auth-fixture.js";

describe("recording downloads", () => {
  let f: AuthFixture;
  let sid: string;
  let original: string;
  let auditor: AuthClient;
  let developer: AuthClient;
  let participant: AuthClient;
  before(async () => {
    f = await startAuthFixture();
    const node = await joinHost(f);
    original = tempDir("recording-");
    sid = randomUUID();
    await writeSample(original, { sid, serverId: node.hostId });
    for (const name of readdirSync(original)) {
      await node.client.uploadRecordingFile(sid, name, readFileSync(join(original, name)));
    }
    await node.client.completeRecording(sid);
    await f.admin.addUser({ name: "ava", roles: ["auditor"], logins: [] });
    await f.admin.addUser({ name: "dev", roles: ["access"], logins: ["dev"] });
    auditor = await userClient(f, "ava");
    developer = await userClient(f, "dev");
    // The sample session is alice's.
    await f.admin.addUser({ name: "alice", roles: ["access"], logins: ["root"] });
    participant = await userClient(f, "alice");
  });
  after(() => f.close());

  async function accessEvents(): Promise<Record<string, unknown>[]> {
    return (await f.admin.searchEvents({ sid, types: "session.recording.access" })).events;
  }

  it("downloads a recording that plays like the original and logs one access", async () => {
    const dir = join(tempDir("download-"), "nested");
    const entry = await auditor.downloadRecording(sid, dir);
    assert.deepEqual(entry.files, readdirSync(original).sort());
    assert.deepEqual(readdirSync(dir).sort(), readdirSync(original).sort());
    for (const name of entry.files) {
      assert.ok(
        readFileSync(join(dir, name)).equals(readFileSync(join(original, name))),
        `${name} is downloaded byte for byte`,
      );
    }
    const played = await (await RecordingReader.open(dir, { sid })).readAll();
    assert.deepEqual(played.problems, []);
    assert.equal(played.events.length, 12);

    const events = await accessEvents();
    assert.equal(events.length, 1, "one playback, one event (not one per file)");
    const [event] = events;
    assert.equal(event?.["code"], "T2012I");
    assert.equal(event?.["user"], "ava");
    assert.equal(event?.["sid"], sid);
    assert.equal(event?.["cluster_name"], f.clusterName);
  });

  it("refuses a user whose roles do not allow reading sessions, and logs nothing", async () => {
    const before = (await accessEvents()).length;
    const error = await apiError(() => developer.downloadRecording(sid, tempDir("denied-")));
    assert.equal(error.status, 403);
    assert.match(error.message, /do not allow read on session/);
    const file = await apiError(() => developer.openRecordingFile(sid, `${sid}.index`));
    assert.equal(file.status, 403);
    assert.equal((await accessEvents()).length, before);
  });

  it("lets a user with logins list and replay only the sessions they took part in", async () => {
    assert.deepEqual(
      (await participant.listRecordings()).map((r) => r.sid),
      [sid],
    );
    assert.deepEqual(await developer.listRecordings(), []);
    const before = (await accessEvents()).length;
    const entry = await participant.downloadRecording(sid, tempDir("own-"));
    assert.equal(entry.summary.user, "alice");
    assert.deepEqual(entry.summary.participants, ["alice"]);
    assert.equal((await accessEvents()).length, before + 1);
  });

  it("refuses the list to a user who may neither read sessions nor log in", async () => {
    await f.admin.addUser({ name: "nobody", roles: ["access"], logins: [] });
    const error = await apiError(async () => (await userClient(f, "nobody")).listRecordings());
    assert.equal(error.status, 403);
    assert.match(error.message, /do not allow list on session/);
  });

  it("answers 404 for a session without a published recording and 400 for a strange file", async () => {
    const missing = randomUUID();
    const error = await apiError(() => auditor.downloadRecording(missing, tempDir("missing-")));
    assert.equal(error.status, 404);
    assert.match(error.message, new RegExp(`no published recording of session ${missing}`));
    const strange = await apiError(() => auditor.openRecordingFile(sid, "backend.db"));
    assert.equal(strange.status, 400);
    assert.match(strange.message, /is not part of a recording/);
  });
});
