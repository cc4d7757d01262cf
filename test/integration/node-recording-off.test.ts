// A cluster whose auth_service.session_recording is "off": its nodes record no session (no
// terminal output, no kernel events, no files), as in Teleport, but the sessions' audit events
// still reach the audit log, and say session_recording "off".
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { uploadDir } from "../../src/recording/index.js";
import { startHttpListener, type HttpListener } from "../helpers/http-listener.js";
import { startNodeFixture, type NodeFixture, type UserFiles } from "./node-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (BPF, cgroups, setuid)" : false;

type AuditEvent = Record<string, unknown>;

describe("session_recording: off", { skip }, () => {
  let f: NodeFixture;
  let alice: UserFiles;
  let http: HttpListener | undefined;

  before(async () => {
    http = await startHttpListener("ok\n");
    // Enhanced recording is on in the node's own config: "off" in the cluster wins.
    f = await startNodeFixture({ auth: { sessionRecording: "off" } });
    alice = await f.addUser("alice", { roles: ["access"], logins: ["root"] });
  });

  after(async () => {
    await f?.close();
    await http?.close();
  });

  /** The events of the session that ran `command`, once its session.end is in the audit log. */
  async function sessionEvents(command: string): Promise<AuditEvent[]> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ends = await f.auth.admin.searchEvents({ types: "session.end", limit: "1000" });
      const end = ends.events.find(
        (e) => JSON.stringify(e["initial_command"]) === JSON.stringify([command]),
      );
      if (typeof end?.["sid"] === "string") {
        return (await f.auth.admin.searchEvents({ sid: end["sid"], limit: "1000" })).events;
      }
      if (Date.now() > deadline) throw new Error(`no session.end of "${command}" in 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it("sends the session's audit events and records nothing else", async () => {
    assert.ok(http);
    const command = `curl -s http://127.0.0.1:${http.port}/; echo done`;
    const result = await f.ssh(alice, "root", command);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, "ok\ndone\n");
    assert.equal(http.requests, 1);

    const events = await sessionEvents(command);
    const sid = String(events[0]?.["sid"]);
    // No session.command, session.network or print: the session's own events, once each.
    assert.deepEqual(events.map((e) => e["event"]).sort(), [
      "exec",
      "session.data",
      "session.end",
      "session.leave",
      "session.start",
    ]);
    assert.deepEqual(events.map((e) => e["ei"]).sort(), [0, 1, 2, 3, 4], "numbered in the session");
    const byType = (type: string): AuditEvent | undefined =>
      events.find((e) => e["event"] === type);
    assert.equal(byType("session.start")?.["session_recording"], "off");
    assert.equal(byType("session.end")?.["session_recording"], "off");
    assert.equal(byType("session.end")?.["enhanced_recording"], false);
    assert.equal(byType("exec")?.["exitCode"], "0");
    for (const event of events) {
      assert.equal(event["user"], "alice");
      assert.equal(event["login"], "root");
    }

    // Nothing to play back, on auth or left on the node.
    assert.deepEqual(await f.auth.admin.listRecordings(), []);
    await assert.rejects(f.auth.admin.getRecording(sid), /no published recording/);
    const uploads = uploadDir(f.dataDir);
    const leftOnNode = existsSync(uploads) ? readdirSync(uploads) : [];
    assert.deepEqual(
      leftOnNode.filter((name) => name.startsWith(sid)),
      [],
    );
  });
});
