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
