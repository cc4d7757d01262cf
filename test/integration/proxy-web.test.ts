// The proxy's web API end to end: an in-process cluster (auth, proxy, a node with enhanced
// recording) and HTTPS requests as tsh and a browser make them. Logins for tsh whose
// certificates the node accepts, web sessions (cookie, CSRF), and the cluster's nodes, events
// and recordings as each user's roles allow.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { formatOpensshPrivateKey } from "../../src/auth/index.js";
import { httpsCall, type HttpsAnswer, type HttpsCall } from "../helpers/https.js";
import { runOpenSsh } from "../helpers/openssh.js";
import { tempDir } from "../helpers/tmp.js";
import { errorMessageOf, webLogin, type WebSession } from "../helpers/web-api.js";
import { clientKeys } from "./auth-fixture.js";
import { startClusterFixture, type ClusterFixture } from "./cluster-fixture.js";
import type { UserFiles } from "./node-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (BPF, cgroups, setuid)" : false;

type Answer = HttpsAnswer;
type Call = HttpsCall;

describe("proxy web API", { skip }, () => {
  let f: ClusterFixture;
  let site: string;

  before(async () => {
    f = await startClusterFixture();
    site = f.auth.clusterName;
    await f.addPasswordUser("alice", {
      roles: ["access"],
      logins: ["root"],
      password: "alice-pw-1234",
    });
    await f.addPasswordUser("ava", { roles: ["auditor"], logins: [], password: "ava-pw-12345" });
    await f.addPasswordUser("lou", {
      roles: ["access"],
      logins: ["root"],
      password: "lou-pw-123456",
    });
  });
  after(() => f?.close());

  function call(method: string, path: string, options: Call = {}): Promise<Answer> {
    return httpsCall(f.webPort, method, path, options);
  }

  function login(user: string, password: string): Promise<WebSession> {
    return webLogin(f.webPort, user, password);
  }

  /** Logs in for certificates as tsh does and writes the OpenSSH files for them. */
  async function tshLogin(user: string, password: string): Promise<UserFiles> {
    const keys = clientKeys();
    const answer = await call("POST", "/webapi/ssh/certs", {
      localAddress: "127.0.0.2",
      body: {
        user,
        password,
        ssh_public_key: keys.ssh.authorizedKey,
        tls_public_key: keys.tlsPublicKeyPem,
        ttl: "1h",
      },
    });
    assert.equal(answer.status, 200, answer.text);
    const dir = tempDir("tsh-");
    const files: UserFiles = {
      keyFile: join(dir, "key"),
      certFile: join(dir, "key-cert.pub"),
      knownHosts: join(dir, "known_hosts"),
    };
    writeFileSync(files.keyFile, formatOpensshPrivateKey(keys.ssh.privateKey), { mode: 0o600 });
    writeFileSync(files.certFile, `${String(answer.json["ssh_certificate"])}\n`);
    const caLines = answer.json["ssh_host_ca_lines"] as string[];
    writeFileSync(
      files.knownHosts,
      `${caLines.map((l) => l.replace(/^@cert-authority\s+\S+/, "@cert-authority *")).join("\n")}\n`,
    );
    return files;
  }

  it("answers ping with the cluster and its second factor", async () => {
    const answer = await call("GET", "/webapi/ping");
    assert.equal(answer.status, 200);
    assert.equal(answer.json["cluster_name"], site);
    assert.deepEqual(answer.json["auth"], { type: "local", second_factor: "off" });
  });

  it("issues certificates for tsh that the node accepts", async () => {
    const files = await tshLogin("alice", "alice-pw-1234");
    const result = await runOpenSsh(f.sshArgs(files, "root", "echo hi from web"));
    assert.equal(result.stdout, "hi from web\n", result.stderr);
    assert.equal(result.status, 0);
    const logins = await f.auth.admin.searchEvents({ types: "user.login", user: "alice" });
    const success = logins.events.find((e) => e["success"] === true);
    // The proxy reaches auth from 127.0.0.1: the event names the client's address instead.
    assert.equal(success?.["addr.remote"], "127.0.0.2");
  });

  it("refuses a wrong password and an unknown user with the same 401", async () => {
    const keys = clientKeys();
    const body = {
      ssh_public_key: keys.ssh.authorizedKey,
      tls_public_key: keys.tlsPublicKeyPem,
    };
    const wrong = await call("POST", "/webapi/ssh/certs", {
      body: { ...body, user: "alice", password: "nope" },
    });
    const unknown = await call("POST", "/webapi/ssh/certs", {
      body: { ...body, user: "nobody", password: "nope" },
    });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.equal(errorMessageOf(wrong), "invalid username or password");
    assert.equal(errorMessageOf(unknown), errorMessageOf(wrong));
  });

  it("tells a locked user so and when it ends", async () => {
    let last: Answer | undefined;
    for (let i = 0; i < 6; i++) {
      last = await call("POST", "/webapi/sessions/web", {
        body: { user: "lou", password: "wrong-password" },
      });
    }
    assert.equal(last?.status, 429);
    assert.match(errorMessageOf(last as Answer), /^user locked until .*tctl users reset lou/);
  });

  it("answers 400 naming the field, for bad JSON, and 415 for a form", async () => {
    const missing = await call("POST", "/webapi/ssh/certs", {
      body: { user: "alice", password: "x", tls_public_key: "k" },
    });
    assert.equal(missing.status, 400);
    assert.match(errorMessageOf(missing), /field "ssh_public_key"/);
    const extra = await call("POST", "/webapi/sessions/web", {
      body: { user: "alice", password: "x", admin: true },
    });
    assert.equal(extra.status, 400);
    assert.match(errorMessageOf(extra), /admin/);
    const badTtl = await call("POST", "/webapi/ssh/certs", {
      body: { user: "a", password: "x", ssh_public_key: "k", tls_public_key: "k", ttl: "soon" },
    });
    assert.equal(badTtl.status, 400);
    assert.match(errorMessageOf(badTtl), /field "ttl"/);
    const broken = await call("POST", "/webapi/sessions/web", { raw: '{"user": ' });
    assert.equal(broken.status, 400);
    assert.match(errorMessageOf(broken), /not valid JSON/);
    const form = await call("POST", "/webapi/sessions/web", {
      raw: "user=alice&password=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(form.status, 415);
  });

  it("starts a web session with a host-only, HttpOnly, Secure, SameSite=Strict cookie", async () => {
    const session = await login("alice", "alice-pw-1234");
    const match =
      /^__Host-session=([A-Za-z0-9_-]{43}); Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=(\d+)$/.exec(
        session.setCookie,
      );
    assert.ok(match, session.setCookie);
    const maxAge = Number(match[2]);
    const expires = Date.parse(String(session.body["expires"]));
    assert.ok(Math.abs(expires - Date.now() - maxAge * 1000) < 5000, "Max-Age is what is left");
    assert.deepEqual(session.body["user"], { name: "alice", roles: ["access"], logins: ["root"] });
    assert.match(session.csrf, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(session.csrf, match[1]);

    const again = await call("GET", "/webapi/sessions/web", { cookie: session.cookie });
    assert.equal(again.status, 200);
    assert.equal(again.json["csrf_token"], session.csrf);
    assert.deepEqual(again.json["user"], session.body["user"]);
  });

  it("sends no CORS headers, even to a request from another origin", async () => {
    const session = await login("alice", "alice-pw-1234");
    const answer = await call("GET", "/webapi/sessions/web", {
      cookie: session.cookie,
      headers: { origin: "https://evil.example.com" },
    });
    const cors = Object.keys(answer.headers).filter((h) => h.startsWith("access-control-"));
    assert.deepEqual(cors, []);
  });

  it("refuses changes with a session cookie but without the right CSRF token", async () => {
    const session = await login("alice", "alice-pw-1234");
    for (const csrf of [undefined, "wrong", `${session.csrf}x`]) {
      const out = await call("DELETE", "/webapi/sessions/web", {
        cookie: session.cookie,
        ...(csrf === undefined ? {} : { csrf }),
      });
      assert.equal(out.status, 403, `DELETE with token ${String(csrf)}`);
      assert.match(errorMessageOf(out), /x-csrf-token/);
      const relogin = await call("POST", "/webapi/sessions/web", {
        body: { user: "alice", password: "alice-pw-1234" },
        cookie: session.cookie,
        ...(csrf === undefined ? {} : { csrf }),
      });
      assert.equal(relogin.status, 403, `POST with token ${String(csrf)}`);
    }
    const still = await call("GET", "/webapi/sessions/web", { cookie: session.cookie });
    assert.equal(still.status, 200, "the refused requests changed nothing");

    const out = await call("DELETE", "/webapi/sessions/web", {
      cookie: session.cookie,
      csrf: session.csrf,
    });
    assert.equal(out.status, 200, out.text);
    assert.equal(
      out.headers["set-cookie"]?.[0],
      "__Host-session=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0",
    );
    const gone = await call("GET", "/webapi/sessions/web", { cookie: session.cookie });
    assert.equal(gone.status, 401);
  });

  it("answers 401 to every API without a live session", async () => {
    const paths = [
      "/webapi/sessions/web",
      `/webapi/sites/${site}/nodes`,
      `/webapi/sites/${site}/events/search`,
      `/webapi/sites/${site}/recordings`,
      `/webapi/sites/${site}/recordings/00000000-0000-0000-0000-000000000000/playback`,
    ];
    for (const path of paths) {
      for (const cookie of [undefined, "__Host-session=made-up"]) {
        const answer = await call("GET", path, cookie === undefined ? {} : { cookie });
        assert.equal(answer.status, 401, `${path} with cookie ${String(cookie)}`);
        assert.match(errorMessageOf(answer), /not logged in/);
      }
    }
    const logout = await call("DELETE", "/webapi/sessions/web");
    assert.equal(logout.status, 401);
  });

  it("shows an access user the nodes and their own recordings but not the audit log", async () => {
    const session = await login("alice", "alice-pw-1234");
    const nodes = await call("GET", `/webapi/sites/${site}/nodes`, { cookie: session.cookie });
    assert.equal(nodes.status, 200, nodes.text);
    const items = nodes.json["items"] as Record<string, unknown>[];
    const node = items.find((n) => n["hostname"] === "node-1");
    assert.ok(node, nodes.text);
    assert.equal(node["id"], f.node.identity.hostId);
    assert.equal(node["addr"], `127.0.0.1:${f.port}`);
    assert.deepEqual(node["labels"], { env: "test" });

    const events = await call("GET", `/webapi/sites/${site}/events/search`, {
      cookie: session.cookie,
    });
    assert.equal(events.status, 403, events.text);
    assert.match(errorMessageOf(events), /user "alice".*do not allow list on event/);
    const recordings = await call("GET", `/webapi/sites/${site}/recordings`, {
      cookie: session.cookie,
    });
    assert.equal(recordings.status, 200, recordings.text);
    for (const item of recordings.json["items"] as Record<string, unknown>[]) {
      assert.equal(item["user"], "alice", "only sessions alice took part in");
    }
  });

  it("lets an auditor search events, list recordings and play one, which is logged", async () => {
    const alice = await tshLogin("alice", "alice-pw-1234");
    const ran = await runOpenSsh(f.sshArgs(alice, "root", "echo recorded-output"));
    assert.equal(ran.status, 0, ran.stderr);
    const sid = await f.publishedSessionOf("echo recorded-output");

    const session = await login("ava", "ava-pw-12345");
    const search = await call(
      "GET",
      `/webapi/sites/${site}/events/search?sid=${sid}&types=session.start,session.end&limit=10`,
      { cookie: session.cookie },
    );
    assert.equal(search.status, 200, search.text);
    const types = (search.json["events"] as Record<string, unknown>[]).map((e) => e["event"]);
    assert.deepEqual([...types].sort(), ["session.end", "session.start"]);

    const list = await call("GET", `/webapi/sites/${site}/recordings`, { cookie: session.cookie });
    assert.equal(list.status, 200, list.text);
    const entry = (list.json["items"] as Record<string, unknown>[]).find((r) => r["sid"] === sid);
    assert.ok(entry, list.text);
    assert.equal(entry["user"], "alice");
    assert.equal(entry["server_hostname"], "node-1");

    const play = await call("GET", `/webapi/sites/${site}/recordings/${sid}/playback`, {
      cookie: session.cookie,
    });
    assert.equal(play.status, 200, play.text);
    assert.equal(play.headers["content-type"], "application/x-asciicast");
    const [header, ...frames] = play.text.trimEnd().split("\n");
    assert.equal((JSON.parse(header ?? "{}") as { version?: number }).version, 2);
    const output = frames
      .map((line) => JSON.parse(line) as [number, string, string])
      .filter(([, code]) => code === "o")
      .map(([, , data]) => data)
      .join("");
    assert.match(output, /recorded-output/);

    const access = await f.auth.admin.searchEvents({ sid, types: "session.recording.access" });
    assert.equal(access.events.length, 1);
    assert.equal(access.events[0]?.["user"], "ava");
    assert.equal(access.events[0]?.["code"], "T2012I");
  });

  it("answers 404 naming the cluster for another site, and for unknown paths", async () => {
    const session = await login("ava", "ava-pw-12345");
    const other = await call("GET", "/webapi/sites/other.example.com/nodes", {
      cookie: session.cookie,
    });
    assert.equal(other.status, 404);
    assert.match(errorMessageOf(other), /"other\.example\.com" is not served by this proxy/);
    assert.match(errorMessageOf(other), new RegExp(site.replace(/\./g, "\\.")));
    const unknown = await call("GET", "/webapi/nothing");
    assert.equal(unknown.status, 404);
    assert.match(errorMessageOf(unknown), /no such endpoint/);
  });

  it("answers 400 for a bad query", async () => {
    const session = await login("ava", "ava-pw-12345");
    const bad = await call("GET", `/webapi/sites/${site}/events/search?limit=many`, {
      cookie: session.cookie,
    });
    assert.equal(bad.status, 400);
    assert.match(errorMessageOf(bad), /field "limit"/);
    const unknown = await call("GET", `/webapi/sites/${site}/events/search?color=red`, {
      cookie: session.cookie,
    });
    assert.equal(unknown.status, 400);
    assert.match(errorMessageOf(unknown), /color/);
  });
});
