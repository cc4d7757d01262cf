// Delivery from the node's disk: events and recordings of sessions that run while auth is down
// arrive once auth is back, each event exactly once; a node killed mid-session completes and
// delivers the recording when it starts again.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { after, describe, it } from "node:test";
import { unmountTracefs } from "../../src/bpf/index.js";
import { findCgroup2Mount } from "../../src/cgroup/index.js";
import { createEvent } from "../../src/events/index.js";
import { RecordingReader, RecordingWriter, uploadDir } from "../../src/recording/index.js";
import { startTeleport } from "../helpers/daemon.js";
import { freePort } from "../helpers/net.js";
import { runOpenSsh } from "../helpers/openssh.js";
import { tempDir } from "../helpers/tmp.js";
import { joinHost, startAuthFixture, type AuthFixture } from "./auth-fixture.js";
import {
  createUserFiles,
  joiningNodeYaml,
  opensshArgs,
  startNodeFixture,
  type NodeFixture,
} from "./node-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (BPF, cgroups, setuid)" : false;

type AuditEvent = Record<string, unknown>;

async function sessionEvents(auth: AuthFixture, sid: string): Promise<AuditEvent[]> {
  return (await auth.admin.searchEvents({ sid, limit: "5000" })).events;
}

/** Polls the audit log until `check` holds for the events found (auth may be restarting). */
async function waitForEvents(
  auth: AuthFixture,
  what: string,
  query: () => Promise<AuditEvent[]>,
  check: (events: AuditEvent[]) => boolean,
  timeoutMs = 60_000,
): Promise<AuditEvent[]> {
  const deadline = Date.now() + timeoutMs;
  let last: AuditEvent[] = [];
  for (;;) {
    last = await query().catch(() => last);
    if (check(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}; events: ${JSON.stringify(last.map((e) => e["event"]))}`,
      );
    }
    await sleep(200);
  }
}

/** The session.command events of `/bin/echo ARG`. */
const commandWithArg = (events: AuditEvent[], arg: string): AuditEvent[] =>
  events.filter(
    (e) =>
      e["event"] === "session.command" &&
      e["path"] === "/bin/echo" &&
      JSON.stringify(e["argv"]) === JSON.stringify([arg]),
  );

/** The published recording's events other than prints, read from the auth server's disk. */
async function recordedEvents(auth: AuthFixture, sid: string): Promise<AuditEvent[]> {
  const index = readdirSync(auth.dataDir, { recursive: true, encoding: "utf8" }).find(
    (name) => name.endsWith(`${sid}.index`) && !name.includes("upload"),
  );
  assert.ok(index, `the recording of ${sid} is on the auth server`);
  const reader = await RecordingReader.open(dirname(join(auth.dataDir, index)), { sid });
  const { events, problems } = await reader.readAll();
  assert.deepEqual(problems, []);
  return events.flatMap((item) => (item.type === "event" ? [item.event] : []));
}

/** Every event once: no uid and no ei twice. */
function assertExactlyOnce(events: AuditEvent[]): void {
  const uids = events.map((e) => e["uid"]);
  assert.equal(new Set(uids).size, uids.length, "an event uid appears twice in the audit log");
  const eis = events.map((e) => e["ei"]);
  assert.equal(new Set(eis).size, eis.length, "an event index (ei) appears twice in the audit log");
}

describe("delivery while auth is unreachable", { skip }, () => {
  let fixture: NodeFixture;
  after(() => fixture?.close());

  it("delivers every event of a session that ran during a 30 s auth outage exactly once", async () => {
    fixture = await startNodeFixture();
    const user = await fixture.addUser("alice", { roles: ["access"], logins: ["root"] });
    const flags = tempDir("outage-flags-");
    const go = join(flags, "go");
    const session = fixture.ssh(
      user,
      "root",
      `/bin/echo before-outage; while [ ! -e ${go} ]; do /bin/sleep 0.2; done; ` +
        "for i in 1 2 3; do /bin/echo during-outage-$i; done; /bin/echo last",
    );
    const { auth } = fixture;
    const [start] = await waitForEvents(
      auth,
      "the session's first command in the audit log",
      async () => (await auth.admin.searchEvents({ limit: "5000" })).events,
      (events) => commandWithArg(events, "before-outage").length > 0,
    ).then((events) => commandWithArg(events, "before-outage"));
    const sid = String(start?.["sid"]);

    await auth.stop();
    writeFileSync(go, "");
    const result = await session;
    assert.equal(result.status, 0, result.stderr);
    assert.equal(
      result.stdout,
      "before-outage\nduring-outage-1\nduring-outage-2\nduring-outage-3\nlast\n",
    );
    // The session ended with auth away: its recording waits on the node's disk.
    await sleep(30_000);
    assert.ok(fixture.node.pendingRecordings >= 1, "the recording waits for auth");
    await auth.start();

    const events = await waitForEvents(
      auth,
      "the session's end in the audit log",
      () => sessionEvents(auth, sid),
      (found) => found.some((e) => e["event"] === "session.end"),
    );
    await fixture.recordings(1);
    // Everything: the recording's events are all in the audit log, each once.
    const all = await sessionEvents(auth, sid);
    assertExactlyOnce(all);
    for (const arg of ["during-outage-1", "during-outage-2", "during-outage-3", "last"]) {
      assert.equal(commandWithArg(all, arg).length, 1, JSON.stringify(commandWithArg(all, arg)));
    }
    assert.ok(events.some((e) => e["event"] === "session.end"));
    // Every event of the published recording (prints aside) is in the audit log, once.
    const recorded = await recordedEvents(auth, sid);
    const logged = new Map(all.map((e) => [e["uid"], e]));
    const missing = recorded.filter((e) => !logged.has(e["uid"]));
    assert.deepEqual(missing, [], "events of the recording missing from the audit log");
    assert.ok(recorded.length > 10, `only ${recorded.length} events recorded`);
  });
});

describe("a delivery whose answer was lost", { skip }, () => {
  let fixture: NodeFixture | undefined;
  after(() => fixture?.close());

  it("finds the recording already published, stores nothing twice and cleans up", async () => {
    fixture = await startNodeFixture({ enhanced: false });
    const user = await fixture.addUser("alice", { roles: ["access"], logins: ["root"] });
    const result = await fixture.ssh(user, "root", "/bin/echo once");
    assert.equal(result.stdout, "once\n", result.stderr);
    const [sid] = await fixture.recordings(1);
    assert.ok(sid);
    const { auth } = fixture;
    const before = await sessionEvents(auth, sid);

    // As if the node had sent everything but crashed before hearing "published": the
    // recording is back in its upload folder when it starts again.
    const published = readdirSync(auth.dataDir, { recursive: true, encoding: "utf8" }).filter(
      (name) => name.includes(`sessions/default/${sid}`) && !name.includes("upload"),
    );
    const upload = uploadDir(fixture.dataDir);
    for (const name of published)
      copyFileSync(join(auth.dataDir, name), join(upload, basename(name)));
    await fixture.restartNode();
    const deadline = Date.now() + 30_000;
    while (readdirSync(upload).some((name) => name.includes(sid))) {
      assert.ok(Date.now() < deadline, `the node kept ${readdirSync(upload).join(", ")}`);
      await sleep(100);
    }
    assert.equal(fixture.node.pendingRecordings, 0);
    const after = await sessionEvents(auth, sid);
    assertExactlyOnce(after);
    assert.equal(after.length, before.length);
  });
});

describe("a refused login while auth is away", { skip }, () => {
  let fixture: NodeFixture | undefined;
  after(() => fixture?.close());

  it("is audited once auth is back, even after the node restarted in between", async () => {
    fixture = await startNodeFixture({ enhanced: false });
    const user = await fixture.addUser("mallory", { roles: ["access"], logins: ["root"] });
    const { auth } = fixture;
    await auth.stop();
    const refused = await fixture.ssh(user, "nobody", "/bin/true");
    assert.equal(refused.status, 255, refused.stderr);
    await fixture.restartNode();
    await auth.start();
    const [event] = await waitForEvents(
      auth,
      "the auth event of the refused login",
      async () => (await auth.admin.searchEvents({ limit: "100" })).events,
      (events) => events.some((e) => e["event"] === "auth"),
    ).then((events) => events.filter((e) => e["event"] === "auth"));
    assert.equal(event?.["user"], "mallory");
    assert.equal(event?.["login"], "nobody");
    assert.equal(event?.["success"], false);
  });
});

/** Kills every process under the cgroup folder and removes it, deepest first. */
function removeCgroupTree(dir: string): void {
  if (!existsSync(dir)) return;
  writeFileSync(join(dir, "cgroup.kill"), "1");
  const remove = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.isDirectory()) remove(join(path, entry.name));
    }
    for (let attempt = 0; attempt < 100; attempt += 1) {
      try {
        rmdirSync(path);
        return;
      } catch {
        // Killed processes leave the cgroup a moment later.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      }
    }
    rmdirSync(path);
  };
  remove(dir);
}

describe("a node killed mid-session", { skip }, () => {
  const rootPath = `/teleport-test-${randomUUID().slice(0, 8)}`;
  let auth: AuthFixture | undefined;
  // The killed node cannot unmount the tracefs it mounted; the test does, if it was not there.
  const tracefsMounted = (): boolean =>
    readFileSync("/proc/self/mounts", "utf8").includes(" /sys/kernel/tracing ");
  const tracefsBefore = tracefsMounted();
  after(async () => {
    await auth?.close();
    removeCgroupTree(join(findCgroup2Mount() ?? "/sys/fs/cgroup", rootPath));
    if (!tracefsBefore && tracefsMounted()) unmountTracefs();
  });

  it("completes and uploads the recording when it starts again", async () => {
    auth = await startAuthFixture();
    const fixtureAuth = auth;
    const dir = tempDir("node-kill-");
    const dataDir = join(dir, "data");
    mkdirSync(dataDir);
    const port = await freePort();
    const configFile = join(dir, "teleport.yaml");
    writeFileSync(
      configFile,
      await joiningNodeYaml(auth, {
        dataDir,
        port,
        rootPath,
        enhanced: true,
        labels: { env: "test" },
        sshServiceLines: [],
      }),
    );
    const first = startTeleport(["start", "-c", configFile]);
    await first.waitFor("SSH service is listening");

    const user = await createUserFiles(auth, join(dir, "alice"), "alice", {
      roles: ["access"],
      logins: ["root"],
    });
    const command = "/bin/echo before-kill; /bin/sleep 60";
    const session = runOpenSsh(opensshArgs({ port, user, login: "root", command }));
    const [firstCommand] = await waitForEvents(
      auth,
      "the session's first command",
      async () => (await fixtureAuth.admin.searchEvents({ limit: "5000" })).events,
      (events) => commandWithArg(events, "before-kill").length > 0,
    ).then((events) => commandWithArg(events, "before-kill"));
    const sid = String(firstCommand?.["sid"]);

    first.child.kill("SIGKILL");
    await first.exited;
    const cut = await session;
    assert.equal(cut.status, 255, "the client lost its connection");
    assert.deepEqual(await auth.admin.listRecordings(), []);

    const second = startTeleport(["start", "-c", configFile]);
    await second.waitFor("SSH service is listening");
    const recordings = await waitForEvents(
      auth,
      "the recording of the killed session",
      async () => (await fixtureAuth.admin.listRecordings()) as unknown as AuditEvent[],
      (list) => list.some((r) => r["sid"] === sid),
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}\nnode's log:\n${second.stderr()}`);
    });
    assert.ok(recordings.length === 1, second.stderr());
    assert.match(second.stderr(), /did not finish/);
    const events = await sessionEvents(auth, sid);
    assertExactlyOnce(events);
    assert.equal(commandWithArg(events, "before-kill").length, 1);
    assert.ok(events.some((e) => e["event"] === "session.start"));
    const index = readdirSync(auth.dataDir, { recursive: true }).find(
      (name) => typeof name === "string" && name.endsWith(`${sid}.index`),
    );
    assert.ok(index, "the index is on the auth server");
    assert.match(readFileSync(join(auth.dataDir, String(index)), "utf8"), /"recovered":true/);
    second.child.kill("SIGTERM");
    await second.exited;
  });
});

describe("a recording auth refuses for good", { skip }, () => {
  let fixture: NodeFixture | undefined;
  after(() => fixture?.close());

  /** A finished recording of `sid` in the node's upload folder, with events auth accepts. */
  async function writeRecording(f: NodeFixture, sid: string): Promise<void> {
    const session = { sid, server_id: f.node.identity.hostId, user: "alice", login: "root" };
    const options = { clusterName: f.auth.clusterName };
    const writer = await RecordingWriter.create({
      dir: uploadDir(f.dataDir),
      sid,
      startTime: new Date(),
    });
    writer.queueEvent(createEvent("session.start", { ...session, size: "80:25" }, options));
    writer.queuePrint(Buffer.from("hello\r\n"), new Date());
    writer.queueEvent(
      createEvent(
        "session.end",
        { ...session, enhanced_recording: false, interactive: true, participants: ["alice"] },
        options,
      ),
    );
    await writer.complete();
  }

  it("is set aside, and the recordings queued after it are still delivered", async () => {
    const f = await startNodeFixture({ enhanced: false });
    fixture = f;
    // Sorted first, so it is the first one delivery tries.
    const refused = "00000000-0000-4000-8000-000000000001";
    const next = "ffffffff-ffff-4fff-bfff-fffffffffff1";
    // Another node has begun uploading a recording under that session id: auth answers 403.
    const other = await joinHost(f.auth, "node", "node-2");
    await other.client.uploadRecordingFile(refused, `${refused}.index`, Buffer.from("{}\n"));

    await writeRecording(f, refused);
    await writeRecording(f, next);
    await f.restartNode();

    const deadline = Date.now() + 30_000;
    while (!(await f.auth.admin.listRecordings()).some((r) => r.sid === next)) {
      assert.ok(Date.now() < deadline, "the recording queued after the refused one is published");
      await sleep(100);
    }
    const log = readFileSync(f.logFile, "utf8");
    assert.match(
      log,
      new RegExp(`Auth refused the recording of session ${refused}: .*another node`),
    );
    assert.match(log, /tried again when the node restarts/);
    assert.ok(
      readdirSync(uploadDir(f.dataDir)).includes(`${refused}.index`),
      "the refused recording stays on the node's disk",
    );
    assert.equal(f.node.pendingRecordings, 0);
  });
});
