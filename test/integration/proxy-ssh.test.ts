// The proxy's SSH port (listen_addr) with real clients: OpenSSH reaches a node through it with
// ProxyCommand ("-s proxy:%h:%p@CLUSTER") and with ProxyJump (-J), the session running end to
// end with the node (which records it); refusals come back as one line the user can act on. A
// node listening on 0.0.0.0 announces an address the proxy can dial.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ClientChannel, ConnectConfig } from "ssh2";
import { generateSshKeyPair } from "../../src/auth/index.js";
import { signSshCertificate } from "../../src/auth/ca/index.js";
import { findCgroup2Mount } from "../../src/cgroup/index.js";
import { parseConfig } from "../../src/config/index.js";
import { createLogger } from "../../src/log/index.js";
import { startNodeService, type NodeService } from "../../src/node/index.js";
import { hostCertificateVerifier, userCertificateAuth } from "../../src/ssh/index.js";
import { freePort } from "../helpers/net.js";
import { certificateLoginOptions, runOpenSsh } from "../helpers/openssh.js";
import { connectSsh2 } from "../helpers/ssh2.js";
import { startClusterFixture, type ClusterFixture } from "./cluster-fixture.js";
import { joiningNodeYaml, PROD_ONLY_ROLE, type UserFiles } from "./node-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (BPF, cgroups, setuid)" : false;

/** The first IPv4 address of this host that is not loopback, if it has one. */
function outsideIpv4(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a !== undefined && a.family === "IPv4" && !a.internal)?.address;
}

describe("SSH proxy (proxy_service.listen_addr)", { skip }, () => {
  let f: ClusterFixture;
  let alice: UserFiles;
  let bob: UserFiles;
  const extraNodes: NodeService[] = [];
  const rootPaths: string[] = [];

  before(async () => {
    f = await startClusterFixture({ labels: { env: "test" } });
    // Before the proxy first reads the roles (it caches them briefly).
    await f.auth.admin.putRole(PROD_ONLY_ROLE);
    alice = await f.addUser("alice", { roles: ["access"], logins: ["root"] });
    bob = await f.addUser("bob", { roles: ["prod-only"], logins: ["root"] });
  });

  after(async () => {
    for (const node of extraNodes) await node.close();
    await f?.close();
    for (const rootPath of rootPaths) {
      const root = join(findCgroup2Mount() ?? "/sys/fs/cgroup", rootPath);
      if (existsSync(root)) rmdirSync(root);
    }
  });

  /** ssh to `target` with a ProxyCommand through the proxy's SSH port, as `tsh config` sets up. */
  function sshViaProxyCommand(user: UserFiles, target: string, command: string) {
    const proxyCommand = [
      "ssh -F /dev/null -o BatchMode=yes",
      ...certificateLoginOptions(user),
      `-p ${f.sshProxyPort} root@127.0.0.1 -s proxy:%h:%p@${f.auth.clusterName}`,
    ].join(" ");
    return runOpenSsh([
      "-o",
      `ProxyCommand=${proxyCommand}`,
      ...certificateLoginOptions(user),
      `root@${target}`,
      command,
    ]);
  }

  /** The sid of the recording auth publishes after `before` were there. */
  async function newRecording(before: readonly string[]): Promise<string> {
    const sids = await f.recordings(before.length + 1);
    const sid = sids.find((s) => !before.includes(s));
    assert.ok(sid, "a new recording");
    return sid;
  }

  async function recordedCommands(sid: string): Promise<Record<string, unknown>[]> {
    const { events } = await f.auth.admin.searchEvents({ sid, limit: "1000" });
    return events;
  }

  const recordingSids = async (): Promise<string[]> =>
    (await f.auth.admin.listRecordings()).map((r) => r.sid);

  function ssh2ProxyConfig(user: UserFiles): ConnectConfig {
    return {
      host: "127.0.0.1",
      port: f.sshProxyPort,
      readyTimeout: 10_000,
      ...userCertificateAuth({
        username: "root",
        privateKey: readFileSync(user.keyFile, "utf8"),
        certificate: readFileSync(user.certFile, "utf8"),
      }),
      ...hostCertificateVerifier({
        hostCaKeys: [f.auth.server.state.cas.hostCa.ssh.publicKey],
        hostname: "127.0.0.1",
      }),
    };
  }

  /** Opens the subsystem and reads what the proxy says until it closes the channel. */
  async function proxySubsystem(
    user: UserFiles,
    name: string,
  ): Promise<{ code: number | undefined; stderr: string }> {
    const client = await connectSsh2(ssh2ProxyConfig(user));
    try {
      return await new Promise((resolve, reject) => {
        client.subsys(name, (err, channel: ClientChannel) => {
          if (err) return reject(err);
          let stderr = "";
          let code: number | undefined;
          channel.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
          channel.on("exit", (c: number) => (code = c));
          channel.on("close", () => resolve({ code, stderr }));
          channel.resume();
        });
      });
    } finally {
      client.end();
    }
  }

  /** A direct-tcpip channel (what ProxyJump opens): the error ssh2 reports, or undefined. */
  async function forwardOut(
    user: UserFiles,
    host: string,
    port: number,
  ): Promise<Error | undefined> {
    const client = await connectSsh2(ssh2ProxyConfig(user));
    try {
      return await new Promise((resolve) => {
        client.forwardOut("127.0.0.1", 0, host, port, (err, channel) => {
          if (err) return resolve(err);
          channel.close();
          resolve(undefined);
        });
      });
    } finally {
      client.end();
    }
  }

  /** Another node joining the cluster, with the listen host and teleport lines given. */
  async function startExtraNode(options: {
    nodename: string;
    listenHost: string;
    teleportLines?: string[];
  }): Promise<{ node: NodeService; port: number }> {
    const port = await freePort();
    const rootPath = `/teleport-test-${randomUUID().slice(0, 8)}`;
    rootPaths.push(rootPath);
    const yaml = (
      await joiningNodeYaml(f.auth, {
        nodename: options.nodename,
        dataDir: join(f.dir, `${options.nodename}-data`),
        port,
        rootPath,
        enhanced: false,
        labels: { env: "test" },
        sshServiceLines: [],
      })
    )
      .replace(`listen_addr: 127.0.0.1:${port}`, `listen_addr: ${options.listenHost}:${port}`)
      .replace("teleport:\n", ["teleport:", ...(options.teleportLines ?? []), ""].join("\n"));
    const logger = createLogger({
      output: join(f.dir, `${options.nodename}.log`),
      severity: "DEBUG",
      format: "json",
    });
    const node = await startNodeService({ config: parseConfig(yaml, "node.yaml"), logger });
    extraNodes.push(node);
    return { node, port };
  }

  async function registeredAddr(nodename: string): Promise<string | undefined> {
    return (await f.auth.admin.listNodes()).find((n) => n.hostname === nodename)?.addr;
  }

  it("OpenSSH with ProxyCommand runs a command on the node, which records the session", async () => {
    const before = await recordingSids();
    const result = await sshViaProxyCommand(alice, "node-1", "/bin/echo hi; exit 3");
    assert.equal(result.stdout, "hi\n", result.stderr);
    assert.equal(result.status, 3, result.stderr);
    const sid = await newRecording(before);
    const events = await recordedCommands(sid);
    const start = events.find((e) => e["event"] === "session.start");
    assert.equal(start?.["user"], "alice");
    assert.equal(start?.["login"], "root");
    const echo = events.find((e) => e["event"] === "session.command" && e["path"] === "/bin/echo");
    assert.deepEqual(echo?.["argv"], ["hi"], "the node recorded the command with BPF");
  });

  it("OpenSSH with ProxyJump (-J) reaches the node by NAME.CLUSTER, recorded too", async () => {
    const config = join(f.dir, "jump.ssh_config");
    writeFileSync(
      config,
      [
        "Host teleport-proxy",
        "  HostName 127.0.0.1",
        `  Port ${f.sshProxyPort}`,
        "  User root",
        "Host *",
        "  BatchMode yes",
        `  UserKnownHostsFile ${alice.knownHosts}`,
        "  GlobalKnownHostsFile /dev/null",
        "  StrictHostKeyChecking yes",
        "  IdentitiesOnly yes",
        `  IdentityFile ${alice.keyFile}`,
        `  CertificateFile ${alice.certFile}`,
        "",
      ].join("\n"),
    );
    const before = await recordingSids();
    // The jump host's ssh reads the same -F file (OpenSSH passes -F on).
    const result = await runOpenSsh([
      "-F",
      config,
      "-J",
      "teleport-proxy",
      `root@node-1.${f.auth.clusterName}`,
      "echo through-the-jump",
    ]);
    assert.equal(result.stdout, "through-the-jump\n", result.stderr);
    assert.equal(result.status, 0, result.stderr);
    const sid = await newRecording(before);
    const events = await recordedCommands(sid);
    assert.ok(events.some((e) => e["event"] === "session.end" && e["user"] === "alice"));

    // A node that does not exist: OpenSSH shows the proxy's reason.
    const missing = await runOpenSsh(["-F", config, "-J", "teleport-proxy", "root@nope", "true"]);
    assert.equal(missing.status, 255);
    assert.match(
      missing.stderr,
      /open failed: administratively prohibited: node "nope" not found in cluster "test\.example\.com": tsh ls lists the nodes you can reach/,
    );
  });

  it("a subsystem for an unknown node gets one line on stderr and exit status 1", async () => {
    const result = await proxySubsystem(alice, `proxy:nope:3022@${f.auth.clusterName}`);
    assert.equal(
      result.stderr,
      `node "nope" not found in cluster "${f.auth.clusterName}": tsh ls lists the nodes you can reach\n`,
    );
    assert.equal(result.code, 1);

    const otherCluster = await proxySubsystem(alice, "proxy:node-1:3022@elsewhere");
    assert.equal(
      otherCluster.stderr,
      `cluster "elsewhere" not found: this proxy serves cluster "${f.auth.clusterName}"\n`,
    );
    assert.equal(otherCluster.code, 1);
  });

  it("refuses a node the user's roles do not allow, by subsystem and by direct-tcpip", async () => {
    const denied = `access denied: the roles of user "bob" (prod-only) do not allow node "node-1"`;
    const bySubsystem = await proxySubsystem(bob, "proxy:node-1");
    assert.equal(bySubsystem.stderr, `${denied}\n`);
    assert.equal(bySubsystem.code, 1);
    const byChannel = await forwardOut(bob, "node-1", 3022);
    assert.equal(byChannel?.message, `(SSH) Channel open failure: ${denied}`);
  });

  it("dials only registered nodes: an arbitrary address is refused", async () => {
    const error = await forwardOut(alice, "192.0.2.1", 25);
    assert.equal(
      error?.message,
      `(SSH) Channel open failure: node "192.0.2.1" not found in cluster ` +
        `"${f.auth.clusterName}": tsh ls lists the nodes you can reach`,
    );
  });

  it("refuses a certificate from a foreign CA at login", async () => {
    const ca = generateSshKeyPair("foreign-ca");
    const key = generateSshKeyPair("mallory");
    const now = Date.now();
    const cert = signSshCertificate({
      caPrivateKey: ca.privateKey,
      publicKey: key.publicKey,
      type: "user",
      keyId: "mallory",
      principals: ["root"],
      validAfter: new Date(now - 60_000),
      validBefore: new Date(now + 3600_000),
      extensions: { "teleport-roles": JSON.stringify({ version: "v1", roles: ["access"] }) },
    });
    const keyFile = join(f.dir, "mallory");
    writeFileSync(keyFile, key.opensshPrivateKey, { mode: 0o600 });
    writeFileSync(`${keyFile}-cert.pub`, `${cert.line}\n`);
    const mallory: UserFiles = {
      keyFile,
      certFile: `${keyFile}-cert.pub`,
      knownHosts: alice.knownHosts,
    };
    await assert.rejects(
      connectSsh2(ssh2ProxyConfig(mallory)),
      (err: Error & { level?: string }) => {
        assert.equal(err.level, "client-authentication");
        return true;
      },
    );
    const log = readFileSync(f.proxyLogFile, "utf8");
    assert.match(
      log,
      /Login refused: certificate \\"mallory\\" \(serial \d+\) is not signed by a trusted CA/,
    );
  });

  it("says what the proxy is for when asked for a command", async () => {
    const result = await runOpenSsh([
      ...certificateLoginOptions(alice),
      "-p",
      String(f.sshProxyPort),
      "root@127.0.0.1",
      "uname",
    ]);
    assert.equal(result.status, 1, result.stderr);
    assert.match(
      result.stderr,
      /it runs no shell or command\. Reach a node through it with ssh -J/,
    );
  });

  it("a node on 0.0.0.0 announces an address the proxy dials; a stopped one is named unreachable", async () => {
    const { node, port } = await startExtraNode({ nodename: "node-any", listenHost: "0.0.0.0" });
    // The kernel reaches auth (on 127.0.0.1 here) from 127.0.0.1.
    assert.equal(await registeredAddr("node-any"), `127.0.0.1:${port}`);
    const result = await sshViaProxyCommand(alice, "node-any", "echo any");
    assert.equal(result.stdout, "any\n", result.stderr);
    assert.equal(result.status, 0, result.stderr);

    extraNodes.splice(extraNodes.indexOf(node), 1);
    await node.close();
    const down = await proxySubsystem(alice, "proxy:node-any");
    assert.match(
      down.stderr,
      new RegExp(`^node "node-any" at 127\\.0\\.0\\.1:${port} cannot be reached: .*ECONNREFUSED`),
    );
    assert.equal(down.code, 1);
  });

  it("a node on 0.0.0.0 with teleport.advertise_ip announces that IP, and the proxy dials it", async (t) => {
    const ip = outsideIpv4();
    if (ip === undefined) return t.skip("this host has no IPv4 address besides loopback");
    const { port } = await startExtraNode({
      nodename: "node-advertised",
      listenHost: "0.0.0.0",
      teleportLines: [`  advertise_ip: ${ip}`],
    });
    assert.equal(await registeredAddr("node-advertised"), `${ip}:${port}`);
    const result = await sshViaProxyCommand(alice, "node-advertised", "echo advertised");
    assert.equal(result.stdout, "advertised\n", result.stderr);
    assert.equal(result.status, 0, result.stderr);
  });
});
