// The server side of the web UI end to end: an in-process cluster (auth, proxy, a node with
// enhanced recording), real sessions through the OpenSSH client, and HTTPS requests as the
// browser makes them: what each role may see (acl), event summaries, paging and export, the
// recordings list with its counts, who may open which recording, and the player's timeline.
// Then the UI's static files from a folder of our own (index fallback, caching, CSP, traversal).
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, request, type IncomingHttpHeaders } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Server } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createLogger } from "../../src/log/index.js";
import { isUiPath, uiSite } from "../../src/proxy/web/static.js";
import { EXPORT_CSV_COLUMNS, parseCsv, parseJsonLines } from "../helpers/export-files.js";
import { httpsCall, type HttpsAnswer, type HttpsCall } from "../helpers/https.js";
import { tempDir } from "../helpers/tmp.js";
import { errorMessageOf, webLogin, type WebSession } from "../helpers/web-api.js";
import { startClusterFixture, type ClusterFixture } from "./cluster-fixture.js";
import type { UserFiles } from "./node-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (BPF, cgroups, setuid)" : false;

type Event = Record<string, unknown>;

function isSorted(values: readonly number[]): boolean {
  return values.every((value, i) => i === 0 || (values[i - 1] ?? 0) <= value);
}

describe("web UI API", { skip }, () => {
  let f: ClusterFixture;
  let site: string;
  let tcp: Server;
  let tcpPort: number;
  let aliceSid: string;
  let bobSid: string;
  const passwords = new Map<string, string>();

  /** A user with SSH files and a password for the web UI. */
  async function addUser(name: string, roles: string[], logins: string[]): Promise<UserFiles> {
    const files = await f.addUser(name, { roles, logins });
    const reset = await f.auth.admin.resetUser(name);
    const password = `${name}-password-123`;
    await f.auth.admin.completeInvite(reset.inviteToken, password);
    passwords.set(name, password);
    return files;
  }

  before(async () => {
    f = await startClusterFixture();
    site = f.auth.clusterName;
    tcp = createTcpServer((socket) => socket.end());
    await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", resolve));
    tcpPort = (tcp.address() as AddressInfo).port;
    const alice = await addUser("alice", ["access"], ["root"]);
    const bob = await addUser("bob", ["access"], ["root"]);
    await addUser("ava", ["auditor"], []);
    await addUser("ed", ["editor"], []);
    await addUser("nola", ["access"], []);

    const aliceCommand = `/bin/echo ui-marker 'a,"b"'; exec 3<>/dev/tcp/127.0.0.1/${tcpPort}`;
    const ran = await f.ssh(alice, "root", aliceCommand);
    assert.equal(ran.status, 0, ran.stderr);
    aliceSid = await f.publishedSessionOf(aliceCommand);
    const bobRan = await f.ssh(bob, "root", "/bin/echo bob-was-here");
    assert.equal(bobRan.status, 0, bobRan.stderr);
    bobSid = await f.publishedSessionOf("/bin/echo bob-was-here");
  });
  after(async () => {
    await f?.close();
    tcp?.close();
  });

  function call(method: string, path: string, options: HttpsCall = {}): Promise<HttpsAnswer> {
    return httpsCall(f.webPort, method, path, options);
  }

  function login(user: string): Promise<WebSession> {
    return webLogin(f.webPort, user, passwords.get(user) ?? "");
  }

  async function get(user: string, path: string): Promise<HttpsAnswer> {
    const { cookie } = await login(user);
    return call("GET", `/webapi/sites/${site}${path}`, { cookie });
  }

  async function sessionEvents(sid: string, types?: string): Promise<Event[]> {
    const query = { sid, limit: "1000", ...(types === undefined ? {} : { types }) };
    return (await f.auth.admin.searchEvents(query)).events;
  }

  async function accessCount(sid: string): Promise<number> {
    return (await sessionEvents(sid, "session.recording.access")).length;
  }

  it("tells each role what the UI may show, at login and on reload", async () => {
    const expected: Record<string, object> = {
      alice: { events: false, recordings: "own", nodes: true },
      ava: { events: true, recordings: "all", nodes: true },
      ed: { events: true, recordings: "all", nodes: true },
      nola: { events: false, recordings: "none", nodes: true },
    };
    for (const [user, acl] of Object.entries(expected)) {
      const session = await login(user);
      assert.deepEqual(session.body["acl"], acl, `${user} at login`);
      const again = await call("GET", "/webapi/sessions/web", { cookie: session.cookie });
      assert.deepEqual(again.json["acl"], acl, `${user} on reload`);
    }
  });

  it("summarizes each event of a search: the command, the connection, the login", async () => {
    const found = await get("ava", `/events/search?sid=${aliceSid}&limit=1000`);
    assert.equal(found.status, 200, found.text);
    const events = found.json["events"] as Event[];
    assert.ok(events.every((e) => typeof e["summary"] === "string" && e["summary"] !== ""));
    const echo = events.find((e) => e["event"] === "session.command" && e["path"] === "/bin/echo");
    assert.equal(echo?.["summary"], `alice ran echo ui-marker 'a,"b"'`);
    const connect = events.find((e) => e["event"] === "session.network");
    assert.equal(connect?.["summary"], `bash connected to 127.0.0.1:${tcpPort}`);
    const start = events.find((e) => e["event"] === "session.start");
    assert.equal(
      start?.["summary"],
      `alice started a session on node-1 as root to run /bin/echo ui-marker 'a,"b"'; exec 3<>/dev/tcp/127.0.0.1/${tcpPort}`,
    );

    await login("alice");
    const logins = await get("ava", "/events/search?types=user.login&user=alice&order=desc");
    assert.equal((logins.json["events"] as Event[])[0]?.["summary"], "alice logged in");
  });

  it("pages through a search without a time range to the last event, each once", async () => {
    const all = await sessionEvents(aliceSid);
    assert.ok(all.length > 4, "the session has enough events for several pages");
    const { cookie } = await login("ava");
    const uids: unknown[] = [];
    let cursor: string | undefined;
    do {
      const query = `sid=${aliceSid}&limit=2${cursor === undefined ? "" : `&cursor=${cursor}`}`;
      const page = await call("GET", `/webapi/sites/${site}/events/search?${query}`, { cookie });
      assert.equal(page.status, 200, page.text);
      uids.push(...(page.json["events"] as Event[]).map((e) => e["uid"]));
      cursor = page.json["next_cursor"] as string | undefined;
    } while (cursor !== undefined);
    assert.deepEqual(
      uids,
      all.map((e) => e["uid"]),
    );
  });

  it("exports exactly the matching events as JSON lines, over several pages", async () => {
    const expected = await sessionEvents(aliceSid);
    const answer = await get("ava", `/events/export?format=jsonl&sid=${aliceSid}&limit=3`);
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.headers["content-disposition"], 'attachment; filename="events.jsonl"');
    assert.equal(answer.headers["content-type"], "application/x-ndjson; charset=utf-8");
    assert.deepEqual(parseJsonLines(answer.text), expected);
  });

  it("exports the filtered events as CSV with summaries, quoted as RFC 4180 says", async () => {
    const types = "session.command,session.network";
    const expected = await sessionEvents(aliceSid, types);
    const answer = await get(
      "ava",
      `/events/export?format=csv&sid=${aliceSid}&types=${types}&limit=1`,
    );
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.headers["content-disposition"], 'attachment; filename="events.csv"');
    const [header, ...rows] = parseCsv(answer.text);
    assert.deepEqual(header, EXPORT_CSV_COLUMNS);
    assert.deepEqual(
      rows.map((row) => row.slice(0, 7)),
      expected.map((e) => EXPORT_CSV_COLUMNS.slice(0, 7).map((k) => String(e[k]))),
    );
    assert.ok(rows.some((row) => row[7] === `alice ran echo ui-marker 'a,"b"'`));
    assert.match(answer.text, /"alice ran echo ui-marker 'a,""b""'"/);
  });

  it("refuses the audit log and its export to an access user", async () => {
    for (const path of ["/events/search", "/events/export?format=csv"]) {
      const answer = await get("alice", path);
      assert.equal(answer.status, 403, path);
      assert.match(errorMessageOf(answer), /do not allow list on event/);
    }
  });

  it("lists recordings newest first with who, where, how long and counts of the events", async () => {
    const answer = await get("ava", "/recordings");
    assert.equal(answer.status, 200, answer.text);
    const items = answer.json["items"] as Event[];
    const starts = items.map((item) => Date.parse(String(item["start"])));
    assert.deepEqual(
      starts,
      [...starts].sort((a, b) => b - a),
    );
    assert.ok(items.some((item) => item["sid"] === bobSid));
    const item = items.find((i) => i["sid"] === aliceSid);
    assert.ok(item, answer.text);
    const count = async (type: string) => (await sessionEvents(aliceSid, type)).length;
    const commands = await count("session.command");
    assert.ok(commands >= 1);
    assert.deepEqual(item["counts"], {
      command: commands,
      network: await count("session.network"),
      disk: await count("session.disk"),
    });
    const [start] = await sessionEvents(aliceSid, "session.start");
    const [end] = await sessionEvents(aliceSid, "session.end");
    assert.deepEqual(
      { ...item, counts: undefined, bytes: undefined },
      {
        sid: aliceSid,
        start: new Date(String(start?.["time"])).toISOString(),
        end: item["end"],
        duration_ms: Date.parse(String(item["end"])) - Date.parse(String(item["start"])),
        user: "alice",
        login: "root",
        participants: ["alice"],
        server_id: f.node.identity.hostId,
        server_hostname: "node-1",
        interactive: false,
        enhanced_recording: true,
        counts: undefined,
        bytes: undefined,
      },
    );
    assert.equal(item["end"], new Date(String(end?.["session_stop"])).toISOString());
    assert.ok(Number(item["bytes"]) > 0);
  });

  it("shows an access user only their own recordings and refuses another's", async () => {
    const list = await get("alice", "/recordings");
    assert.equal(list.status, 200, list.text);
    const sids = (list.json["items"] as Event[]).map((i) => i["sid"]);
    assert.deepEqual(sids, [aliceSid]);
    const before = await accessCount(bobSid);
    for (const path of [`/recordings/${bobSid}/timeline`, `/recordings/${bobSid}/playback`]) {
      const refused = await get("alice", path);
      assert.equal(refused.status, 403, path);
      assert.match(errorMessageOf(refused), /took no part in session/);
    }
    assert.equal(await accessCount(bobSid), before, "a refused read is no playback");
    const own = await get("alice", `/recordings/${aliceSid}/timeline`);
    assert.equal(own.status, 200, own.text);

    const none = await get("nola", "/recordings");
    assert.equal(none.status, 403);
    assert.match(errorMessageOf(none), /do not allow list on session/);
  });

  it("gives the player the output and the session's events on one clock, and logs it once", async () => {
    const before = await accessCount(aliceSid);
    const answer = await get("ava", `/recordings/${aliceSid}/timeline`);
    assert.equal(answer.status, 200, answer.text);
    assert.equal(await accessCount(aliceSid), before + 1);
    const timeline = answer.json;
    assert.equal(timeline["sid"], aliceSid);
    const [start] = await sessionEvents(aliceSid, "session.start");
    assert.equal(timeline["start"], new Date(String(start?.["time"])).toISOString());
    const size = timeline["size"] as { cols: number; rows: number };
    assert.ok(size.cols > 0 && size.rows > 0);
    const duration = Number(timeline["duration_ms"]);

    const output = timeline["output"] as [number, string, string][];
    assert.ok(isSorted(output.map(([ms]) => ms)), "output in time order");
    assert.ok(output.every(([ms, code]) => ms >= 0 && ms <= duration && code === "o"));
    const text = output.map(([, , data]) => data).join("");
    assert.equal(text, 'ui-marker a,"b"\n');

    const events = timeline["events"] as Event[];
    assert.ok(isSorted(events.map((e) => Number(e["ms"]))), "events in time order");
    const types = new Set(events.map((e) => e["event"]));
    for (const type of ["session.start", "session.end", "session.command", "session.network"]) {
      assert.ok(types.has(type), `${type} in ${[...types].join(", ")}`);
    }
    assert.ok(!types.has("print") && !types.has("exec"));
    const echo = events.find((e) => e["event"] === "session.command" && e["path"] === "/bin/echo");
    assert.ok(echo);
    const [stored] = (await sessionEvents(aliceSid, "session.command")).filter(
      (e) => e["path"] === "/bin/echo",
    );
    assert.deepEqual(echo["raw"], stored);
    const ms = Number(echo["ms"]);
    assert.equal(ms, Date.parse(String(stored?.["time"])) - Date.parse(String(start?.["time"])));
    assert.ok(ms >= 0 && ms <= duration, `${ms} within the session's ${duration} ms`);
    assert.equal(echo["code"], "T4000I");
    assert.equal(echo["program"], "echo");
    assert.deepEqual(echo["argv"], ["ui-marker", 'a,"b"']);
    assert.equal(echo["return_code"], 0);
    assert.equal(echo["pid"], stored?.["pid"]);
    assert.equal(echo["summary"], `alice ran echo ui-marker 'a,"b"'`);
    const connect = events.find((e) => e["event"] === "session.network");
    assert.equal(connect?.["dst_addr"], "127.0.0.1");
    assert.equal(connect?.["dst_port"], tcpPort);
    const end = events.find((e) => e["event"] === "session.end");
    assert.equal(end?.["summary"], "session ended (enhanced recording)");
  });

  it("answers 401 without a session and 400 for a bad session id or format", async () => {
    for (const path of [
      `/webapi/sites/${site}/events/export`,
      `/webapi/sites/${site}/recordings/${aliceSid}/timeline`,
    ]) {
      assert.equal((await call("GET", path)).status, 401, path);
    }
    const badSid = await get("ava", "/recordings/..%2Fx/timeline");
    assert.equal(badSid.status, 400);
    const badFormat = await get("ava", "/events/export?format=xml");
    assert.equal(badFormat.status, 400);
    assert.match(errorMessageOf(badFormat), /field "format"/);
  });

  it("sends a browser at / to the UI", async () => {
    const answer = await call("GET", "/");
    assert.equal(answer.status, 302);
    assert.equal(answer.headers["location"], "/web/");
  });
});

describe("web UI files", () => {
  interface Answer {
    status: number;
    headers: IncomingHttpHeaders;
    body: string;
  }

  const root = tempDir("web-ui-");
  const dist = join(root, "dist");
  const INDEX = "<!doctype html><title>UI</title>";
  const ASSET = "console.log('app');";
  let built: ReturnType<typeof createHttpServer>;
  let missing: ReturnType<typeof createHttpServer>;

  /** An HTTP server that answers as the proxy does: UI paths from `dir`, the rest 404. */
  async function serve(dir: string): Promise<ReturnType<typeof createHttpServer>> {
    const logger = createLogger({
      output: join(root, "ui.log"),
      severity: "DEBUG",
      format: "json",
    });
    const ui = uiSite(dir, logger);
    const server = createHttpServer((req, res) => {
      const pathname = new URL(req.url ?? "/", "http://x").pathname;
      if (isUiPath(pathname)) void ui(req, res, "127.0.0.1");
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return server;
  }

  /** A request with the path sent exactly as written (no client-side normalization). */
  function fetchRaw(server: ReturnType<typeof createHttpServer>, path: string, method = "GET") {
    const { port } = server.address() as AddressInfo;
    return new Promise<Answer>((resolve, reject) => {
      const req = request({ host: "127.0.0.1", port, path, method, agent: false }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    });
  }

  before(async () => {
    mkdirSync(join(dist, "assets"), { recursive: true });
    writeFileSync(join(dist, "index.html"), INDEX);
    writeFileSync(join(dist, "assets", "index-3f2a9c.js"), ASSET);
    writeFileSync(join(dist, "favicon.svg"), "<svg/>");
    writeFileSync(join(root, "secret.txt"), "outside the UI");
    symlinkSync(join(root, "secret.txt"), join(dist, "linked.txt"));
    built = await serve(dist);
    missing = await serve(join(root, "not-built"));
  });
  after(() => {
    built?.close();
    missing?.close();
  });

  const CSP =
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

  it("serves index.html for the app's routes, uncached, with the CSP and no referrer", async () => {
    for (const path of [
      "/web",
      "/web/",
      "/web/login",
      "/web/audit",
      "/web/recordings/5b3c2f1e-7d4a-4c1b-9e8f-0a1b2c3d4e5f",
      "/web/invite/abc123",
      "/web/reset/abc123?x=1",
    ]) {
      const answer = await fetchRaw(built, path);
      assert.equal(answer.status, 200, path);
      assert.equal(answer.body, INDEX, path);
      assert.equal(answer.headers["content-type"], "text/html; charset=utf-8");
      assert.equal(answer.headers["cache-control"], "no-cache");
      assert.equal(answer.headers["content-security-policy"], CSP);
      assert.equal(answer.headers["x-content-type-options"], "nosniff");
      assert.equal(answer.headers["referrer-policy"], "no-referrer");
    }
  });

  it("serves files with their types, hashed assets cached for good", async () => {
    const asset = await fetchRaw(built, "/web/assets/index-3f2a9c.js");
    assert.equal(asset.status, 200);
    assert.equal(asset.body, ASSET);
    assert.equal(asset.headers["content-type"], "text/javascript; charset=utf-8");
    assert.equal(asset.headers["cache-control"], "public, max-age=31536000, immutable");
    assert.equal(asset.headers["content-security-policy"], CSP);
    const icon = await fetchRaw(built, "/web/favicon.svg");
    assert.equal(icon.headers["content-type"], "image/svg+xml");
    assert.equal(icon.headers["cache-control"], "no-cache");
    const head = await fetchRaw(built, "/web/assets/index-3f2a9c.js", "HEAD");
    assert.equal(head.status, 200);
    assert.equal(head.headers["content-length"], String(ASSET.length));
    assert.equal(head.body, "");
    const gone = await fetchRaw(built, "/web/assets/index-000000.js");
    assert.equal(gone.status, 404, "a missing asset is not answered with the app's HTML");
    const post = await fetchRaw(built, "/web/login", "POST");
    assert.equal(post.status, 405);
  });

  it("never serves a file outside the UI's folder", async () => {
    for (const path of [
      "/web/..%2fsecret.txt",
      "/web/..%2F..%2Fetc%2Fpasswd",
      "/web/assets/..%2f..%2fsecret.txt",
      "/web/%2e%2e%2fsecret.txt",
      "/web/..%5csecret.txt",
      "/web/x%00.js",
      "/web/%E0%A4%A",
    ]) {
      const answer = await fetchRaw(built, path);
      assert.equal(answer.status, 400, path);
      assert.doesNotMatch(answer.body, /outside the UI|root:/, path);
    }
    for (const path of ["/web/../secret.txt", "/web/assets/../../secret.txt"]) {
      const answer = await fetchRaw(built, path);
      assert.doesNotMatch(answer.body, /outside the UI/, path);
    }
    // A link inside the folder to a file outside it is not followed.
    const linked = await fetchRaw(built, "/web/linked.txt");
    assert.equal(linked.body, INDEX);
  });

  it("sends / to /web/", async () => {
    const answer = await fetchRaw(built, "/");
    assert.equal(answer.status, 302);
    assert.equal(answer.headers["location"], "/web/");
  });

  it("says how to build the UI when it is not built", async () => {
    for (const path of ["/web/", "/web/audit", "/web/assets/index-3f2a9c.js"]) {
      const answer = await fetchRaw(missing, path);
      assert.equal(answer.status, 503, path);
      assert.equal(answer.body, "the web UI is not built: run npm run build:web\n");
    }
  });
});
