// POST /v1/events: batches from nodes are stored once each (by uid), also across a restart of
// the auth server; GET /v1/events searches them for those whose roles allow it.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createEvent } from "../../src/events/index.js";
import {
  apiError,
  joinHost,
  startAuthFixture,
  userClient,
  type AuthFixture,
  type JoinedHost,
} from "./auth-fixture.js";

describe("audit event ingestion", () => {
  let f: AuthFixture;
  let node: JoinedHost;
  const sid = randomUUID();
  let batch: object[];

  before(async () => {
    f = await startAuthFixture();
    node = await joinHost(f);
    const options = { clusterName: f.clusterName };
    const session = {
      sid,
      server_id: node.hostId,
      user: "alice",
      login: "root",
      namespace: "default",
    };
    batch = [
      createEvent("session.start", { ...session, ei: 0, size: "80:25" }, options),
      createEvent("resize", { ...session, ei: 1, size: "120:40" }, options),
      createEvent(
        "session.end",
        { ...session, ei: 2, enhanced_recording: true, interactive: true, participants: ["alice"] },
        options,
      ),
    ];
  });
  after(() => f.close());

  const countStored = async (): Promise<number> =>
    (await f.admin.searchEvents({ sid })).events.length;

  it("stores a batch sent twice once", async () => {
    assert.deepEqual(await node.client.sendEvents(batch), { stored: 3, duplicates: 0 });
    assert.deepEqual(await node.client.sendEvents(batch), { stored: 0, duplicates: 3 });
    assert.equal(await countStored(), 3);
  });

  it("stores a full batch of commands with long argument lists (more than one body's worth)", async () => {
    const longSid = randomUUID();
    const client = f.client(node.identity);
    // 1000 events of ~20 KiB each: ~20 MB of JSON, over the 16 MiB auth reads in one request.
    const commands = Array.from({ length: 1000 }, (_, ei) =>
      createEvent(
        "session.command",
        {
          sid: longSid,
          server_id: node.hostId,
          namespace: "default",
          ei,
          pid: 1000 + ei,
          ppid: 1,
          cgroup_id: 1,
          program: "cc",
          path: "/usr/bin/cc",
          argv: ["cc", `-I${"include/".repeat(2500)}`],
          return_code: 0,
        },
        { clusterName: f.clusterName },
      ),
    );
    assert.deepEqual(await client.sendEvents(commands), { stored: 1000, duplicates: 0 });
    const found = await f.admin.searchEvents({ sid: longSid, limit: "1000" });
    assert.equal(found.events.length, 1000);
  });

  it("keeps the events and the dedup state across an auth restart", async () => {
    await f.restart();
    assert.equal(await countStored(), 3);
    // The node's certificate is still good; the restarted server listens on a new port.
    const again = f.client(node.identity);
    assert.deepEqual(await again.sendEvents(batch), { stored: 0, duplicates: 3 });
    assert.equal(await countStored(), 3);
    const found = await f.admin.searchEvents({ sid, types: "session.end" });
    assert.equal(found.events[0]?.["enhanced_recording"], true);
  });

  it("refuses events a node sends in another server's name, and malformed ones", async () => {
    const client = f.client(node.identity);
    const forged = createEvent(
      "session.start",
      { sid: randomUUID(), server_id: randomUUID() },
      { clusterName: f.clusterName },
    );
    const error = await apiError(() => client.sendEvents([forged]));
    assert.equal(error.status, 403);
    assert.match(error.message, /event 0 has server_id/);

    const bad = {
      ...createEvent("resize", { sid, size: "80:25" }, { clusterName: f.clusterName }),
      size: "big",
    };
    const invalid = await apiError(() => client.sendEvents([bad]));
    assert.equal(invalid.status, 400);
    assert.match(invalid.message, /field "events\.0": invalid resize event: field "size"/);
  });

  it("refuses a node's event without server_id, naming it", async () => {
    const event = createEvent(
      "session.start",
      { sid: randomUUID() },
      { clusterName: f.clusterName },
    );
    const error = await apiError(() => f.client(node.identity).sendEvents([event]));
    assert.equal(error.status, 403);
    assert.match(error.message, /event 0 \(session\.start\) has no server_id/);
  });

  it("refuses event types a node or a proxy may not send", async () => {
    const options = { clusterName: f.clusterName };
    const mine = { server_id: node.hostId };
    const forbidden = [
      createEvent("user.login", { user: "alice", success: true, ...mine }, options),
      createEvent("session.upload", { sid: randomUUID(), url: "file:///x", ...mine }, options),
      createEvent("session.recording.access", { sid: randomUUID(), user: "x", ...mine }, options),
    ];
    for (const event of forbidden) {
      const error = await apiError(() => f.client(node.identity).sendEvents([event]));
      assert.equal(error.status, 403, event.event);
      assert.match(
        error.message,
        new RegExp(`is a ${event.event.replace(".", "\\.")} event, which a Node may not send`),
      );
    }
    const proxy = await joinHost(f, "proxy", "proxy-1");
    const command = createEvent(
      "session.command",
      {
        sid: randomUUID(),
        ei: 0,
        path: "/bin/ls",
        argv: [],
        pid: 1,
        ppid: 1,
        cgroup_id: 1,
        program: "ls",
        return_code: 0,
      },
      options,
    );
    const denied = await apiError(() => proxy.client.sendEvents([command]));
    assert.equal(denied.status, 403);
    assert.match(denied.message, /which a Proxy may not send/);
    const login = createEvent("user.login", { user: "alice", success: true }, options);
    assert.deepEqual(await proxy.client.sendEvents([login]), { stored: 1, duplicates: 0 });
  });

  it("keeps uids apart per sender: one cannot use up another's", async () => {
    const other = await joinHost(f, "node", "node-2");
    const uid = randomUUID();
    const make = (serverId: string) =>
      createEvent(
        "session.start",
        { sid: randomUUID(), server_id: serverId, ei: 0, size: "80:25" },
        { clusterName: f.clusterName, uid: () => uid },
      );
    assert.deepEqual(await other.client.sendEvents([make(other.hostId)]), {
      stored: 1,
      duplicates: 0,
    });
    assert.deepEqual(await f.client(node.identity).sendEvents([make(node.hostId)]), {
      stored: 1,
      duplicates: 0,
    });
    assert.deepEqual(await f.client(node.identity).sendEvents([make(node.hostId)]), {
      stored: 0,
      duplicates: 1,
    });
  });

  it("lets auditors search and refuses users whose roles do not allow it", async () => {
    await f.admin.addUser({ name: "audrey", roles: ["auditor"] });
    await f.admin.addUser({ name: "alice", roles: ["access"], logins: ["root"] });
    const auditor = await userClient(f, "audrey");
    assert.equal((await auditor.searchEvents({ sid })).events.length, 3);
    const access = await userClient(f, "alice");
    const denied = await apiError(() => access.searchEvents({ sid }));
    assert.equal(denied.status, 403);
    const badQuery = await apiError(() => auditor.searchEvents({ limit: "many" }));
    assert.equal(badQuery.status, 400);
    assert.match(badQuery.message, /field "limit": expected a whole number/);
  });
});
