// The SSH node end to end in one process: an in-process auth server, a node that joins it with
// a token (enhanced recording on), and the real OpenSSH client logging in with a user
// certificate. Checks the output, exit code, the recording uploaded to auth, and restarts.
// Refusals: node-ssh-refusals.test.ts; file transfer: node-ssh-sftp.test.ts; signals, the
// environment and keepalives: node-ssh-session.test.ts.
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { findCgroup2Mount } from "../../src/cgroup/index.js";
import { parseConfig } from "../../src/config/index.js";
import { createLogger } from "../../src/log/index.js";
import { loadHostIdentity } from "../../src/join/index.js";
import { startNodeService } from "../../src/node/index.js";
import { freePort } from "../helpers/net.js";
import { runOpenSsh } from "../helpers/openssh.js";
import { tempDir } from "../helpers/tmp.js";
import { startAuthFixture } from "./auth-fixture.js";
import {
  nodeConfigYaml,
  startNodeFixture,
  type NodeFixture,
  type UserFiles,
} from "./node-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (BPF, cgroups, setuid)" : false;

describe("SSH node", { skip }, () => {
  let f: NodeFixture;
  let alice: UserFiles;

  before(async () => {
    f = await startNodeFixture({ labels: { env: "test" } });
    alice = await f.addUser("alice", { roles: ["access"], logins: ["root"] });
  });

  after(() => f?.close());

  it("joined, stored its identity (0600) and heartbeats", async () => {
    const identity = loadHostIdentity(f.dataDir, "node");
    assert.ok(identity);
    assert.equal(statSync(join(f.dataDir, "node", "host_key")).mode & 0o777, 0o600);
    assert.equal(statSync(join(f.dataDir, "node", "identity.json")).mode & 0o777, 0o600);
    const listed = await f.auth.admin.listNodes();
    assert.ok(listed.some((n) => n.hostname === "node-1" && n.labels["env"] === "test"));
  });

  it("runs a command for a certified user and records it with BPF events", async () => {
    const result = await f.ssh(alice, "root", "/bin/echo hi; exit 3");
    assert.equal(result.stdout, "hi\n", result.stderr);
    assert.equal(result.status, 3, result.stderr);
    const [sid] = await f.recordings(1);
    assert.ok(sid);
    const { events } = await f.auth.admin.searchEvents({ sid, limit: "1000" });
    const types = events.map((e) => e["event"]);
    assert.ok(types.includes("session.start"), JSON.stringify(types));
    const end = events.find((e) => e["event"] === "session.end");
    assert.ok(end, JSON.stringify(events.slice(1, 6)));
    assert.equal(end?.["enhanced_recording"], true);
    assert.equal(end?.["interactive"], false);
    assert.deepEqual(end?.["participants"], ["alice"]);
    const echo = events.find((e) => e["event"] === "session.command" && e["path"] === "/bin/echo");
    assert.ok(echo, JSON.stringify(types));
    assert.deepEqual(echo["argv"], ["hi"]);
    // A search by the node's name finds what a search by its host id finds.
    for (const server of ["node-1", f.node.identity.hostId]) {
      const found = await f.auth.admin.searchEvents({ server, sid, limit: "1000" });
      assert.equal(found.events.length, events.length, `server=${server}`);
    }
    // Teleport's closing events of an exec session, in its order, before session.end.
    const closing = events
      .filter((e) =>
        ["exec", "session.data", "session.leave", "session.end"].includes(String(e["event"])),
      )
      .sort((a, b) => Number(a["ei"]) - Number(b["ei"]));
    assert.deepEqual(
      closing.map((e) => e["event"]),
      ["exec", "session.data", "session.leave", "session.end"],
    );
    const [exec, data] = closing;
    assert.equal(exec?.["command"], "/bin/echo hi; exit 3");
    assert.equal(exec?.["exitCode"], "3");
    assert.equal(exec?.["exitError"], "exit status 3");
    assert.equal(exec?.["code"], "T3002E");
    assert.equal(data?.["tx"], 3, "bytes sent to the client: hi and a newline");
    assert.equal(data?.["rx"], 0);
    const listed = await f.auth.admin.listRecordings();
    const files = listed.find((r) => r.sid === sid)?.files ?? [];
    assert.ok(
      files.some((name) => name.endsWith(".chunks.gz")),
      files.join(","),
    );
  });

  it("runs a command in a pty (ssh -tt) with the exit code back", async () => {
    const result = await runOpenSsh(["-tt", ...f.sshArgs(alice, "root", "/bin/echo pty; exit 4")]);
    assert.match(result.stdout, /pty\r\n/, result.stderr);
    assert.equal(result.status, 4, result.stderr);
  });

  // Last: it restarts the node without enhanced recording.
  it("reuses the stored identity on restart without the token", async () => {
    const before = loadHostIdentity(f.dataDir, "node")?.hostId;
    const noToken = parseConfig(
      nodeConfigYaml({
        dataDir: f.dataDir,
        authServer: f.auth.server.addr,
        port: f.port,
        rootPath: f.config.ssh_service.enhanced_recording.root_path,
        enhanced: false,
        labels: {},
        sshServiceLines: [],
      }),
      "teleport.yaml",
    );
    await f.restartNode(noToken);
    assert.equal(f.node.identity.hostId, before);
    const result = await f.ssh(alice, "root", "/bin/echo again");
    assert.equal(result.stdout, "again\n", result.stderr);
    assert.equal(result.status, 0);
  });
});

describe("SSH node joining as the guide's config does (no ca_pin)", { skip }, () => {
  it("takes the CA pin of the auth server it reaches, says so, and joins", async () => {
    const auth = await startAuthFixture();
    const dir = tempDir("node-tofu-");
    const rootPath = `/teleport-test-tofu-${process.pid}`;
    try {
      const token = await auth.admin.addToken({ roles: ["node"], ttl: "5m" });
      const config = parseConfig(
        nodeConfigYaml({
          dataDir: join(dir, "data"),
          authServer: auth.server.addr,
          token: token.token,
          port: await freePort(),
          rootPath,
          enhanced: false,
          labels: {},
          sshServiceLines: [],
        }),
        "teleport.yaml",
      );
      const logFile = join(dir, "node.log");
      const node = await startNodeService({
        config,
        logger: createLogger({ output: logFile, severity: "INFO", format: "json" }),
      });
      await node.close();
      assert.equal(node.identity.clusterName, auth.clusterName);
      const warning = readFileSync(logFile, "utf8")
        .split("\n")
        .find((line) => line.includes("Joining without teleport.ca_pin"));
      assert.ok(warning, "the node warns that it trusted the auth server on first use");
      assert.equal((JSON.parse(warning) as { ca_pin: string }).ca_pin, auth.server.state.caPin);
    } finally {
      await auth.close();
      const root = join(findCgroup2Mount() ?? "/sys/fs/cgroup", rootPath);
      if (existsSync(root)) rmdirSync(root);
    }
  });
});
