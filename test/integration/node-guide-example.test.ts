// The guide's motivating example: a command hidden in base64 and piped to sh does not show in
// the terminal recording, but enhanced recording reveals it. Here the hidden command is curl to
// a listener of the test's own, typed into an interactive shell over the real OpenSSH client.
import assert from "node:assert/strict";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import { startHttpListener, type HttpListener } from "../helpers/http-listener.js";
import { runOpenSsh } from "../helpers/openssh.js";
import { startNodeFixture, type NodeFixture, type UserFiles } from "./node-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (BPF, cgroups, setuid)" : false;
const CURL = "/usr/bin/curl";

type AuditEvent = Record<string, unknown>;

/** The events of one recording file (gzip, one JSON event per line). */
function fileEvents(path: string): AuditEvent[] {
  return gunzipSync(readFileSync(path))
    .toString("utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as AuditEvent);
}

describe("the guide's obfuscated command", { skip }, () => {
  let f: NodeFixture;
  let alice: UserFiles;
  let http: HttpListener | undefined;
  let port: number;

  before(async () => {
    http = await startHttpListener("hello from the listener\n");
    port = http.port;
    f = await startNodeFixture();
    alice = await f.addUser("alice", { roles: ["access"], logins: ["root"] });
  });

  after(async () => {
    await f?.close();
    await http?.close();
  });

  it("is recorded as the curl it decodes to, with its connection", async () => {
    assert.ok(existsSync(CURL), `${CURL} is missing: install Debian's curl package`);
    const url = `http://127.0.0.1:${port}/`;
    const hidden = Buffer.from(`curl ${url}\n`).toString("base64");
    const typed = `echo ${hidden} | base64 --decode | sh`;
    assert.ok(!typed.includes("curl"), "the typed line does not say curl");

    const result = await runOpenSsh(["-tt", ...f.sshArgs(alice, "root")], `${typed}\nexit\n`);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /hello from the listener/);
    assert.equal(http?.requests, 1);

    const [sid] = await f.recordings(1);
    assert.ok(sid);
    const { events } = await f.auth.admin.searchEvents({ sid, limit: "1000" });
    const common = {
      sid,
      user: "alice",
      login: "root",
      server_id: f.node.identity.hostId,
      server_hostname: "node-1",
    };
    const curls = events.filter((e) => e["event"] === "session.command" && e["program"] === "curl");
    assert.equal(curls.length, 1, JSON.stringify(curls));
    const curl = curls[0] ?? {};
    assert.equal(realpathSync(String(curl["path"])), realpathSync(CURL));
    assert.deepEqual(curl["argv"], [url]);
    assert.equal(curl["return_code"], 0);
    assert.equal(curl["code"], "T4000I");

    const connects = events.filter(
      (e) => e["event"] === "session.network" && e["dst_port"] === port,
    );
    assert.equal(connects.length, 1, JSON.stringify(events.filter((e) => e["dst_port"])));
    const connect = connects[0] ?? {};
    assert.equal(connect["dst_addr"], "127.0.0.1");
    assert.equal(connect["version"], 4);
    assert.equal(connect["code"], "T4002I");
    assert.equal(connect["pid"], curl["pid"], "the connection is curl's");

    for (const event of [curl, connect]) {
      for (const [field, value] of Object.entries(common)) {
        assert.equal(event[field], value, `${String(event["event"])}.${field}`);
      }
      assert.ok(Number.isInteger(event["ei"]), `${String(event["event"])}.ei`);
    }

    const end = events.find((e) => e["event"] === "session.end");
    assert.equal(end?.["enhanced_recording"], true);
    assert.equal(end?.["session_recording"], "node");
    assert.equal(end?.["interactive"], true);

    // Every event of the session has its own ei, and auth's copy is the one in the recording.
    const numbered = events.filter((e) => e["ei"] !== undefined);
    assert.equal(new Set(numbered.map((e) => e["ei"])).size, numbered.length, "ei unique");

    const serverUuid = readFileSync(join(f.auth.dataDir, "host_uuid"), "utf8").trim();
    const dir = join(f.auth.dataDir, "log", serverUuid, "sessions", "default");
    const dataFiles = [
      `${sid}-0.chunks.gz`,
      `${sid}-0.events.gz`,
      `${sid}-0.session.command-events.gz`,
      `${sid}-0.session.network-events.gz`,
    ];
    const listed = (await f.auth.admin.listRecordings()).find((r) => r.sid === sid)?.files ?? [];
    for (const name of [...dataFiles, `${sid}.index`]) {
      assert.ok(listed.includes(name), `listRecordings names ${name}: ${listed.join(", ")}`);
    }
    for (const name of listed) assert.ok(existsSync(join(dir, name)), `${dir}/${name}`);
    const index = readFileSync(join(dir, `${sid}.index`), "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as { type: string; file_name?: string; events?: number });
    const indexed = index.map((line) => line.file_name);
    for (const name of dataFiles) assert.ok(indexed.includes(name), `the index names ${name}`);

    // The recording's events (prints too) are numbered 0, 1, 2, … with no gap or repeat, and
    // rise through each file.
    const recorded = dataFiles.slice(1).flatMap((name) => {
      const inFile = fileEvents(join(dir, name)).map((e) => Number(e["ei"]));
      inFile.forEach((ei, i) => assert.ok(i === 0 || ei > (inFile[i - 1] ?? -1), `${name} ei`));
      return inFile;
    });
    const footer = index.find((line) => line.type === "footer");
    assert.equal(recorded.length, footer?.events, "the index's footer counts every event");
    const sorted = [...recorded].sort((a, b) => a - b);
    assert.deepEqual(
      sorted,
      sorted.map((_, i) => i),
    );
    const byUid = new Map(
      dataFiles.slice(1).flatMap((name) => fileEvents(join(dir, name)).map((e) => [e["uid"], e])),
    );
    for (const event of numbered) {
      assert.equal(byUid.get(event["uid"])?.["ei"], event["ei"], JSON.stringify(event));
    }
  });
});
