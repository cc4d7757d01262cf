// A node configured as the guide's is (auth_token and proxy_server, no ca_pin) joins through the
// proxy's web port, which passes its mutual-TLS connections through to auth; its sessions are
// recorded and delivered to auth the same way. The same port serves the proxy's HTTPS.
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { request } from "node:https";
import { connect as connectTcp } from "node:net";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { connect as connectTls } from "node:tls";
import { loadHostIdentity } from "../../src/join/index.js";
import { parseConfig } from "../../src/config/index.js";
import { createLogger } from "../../src/log/index.js";
import { startNodeService, type NodeService } from "../../src/node/index.js";
import { startProxyService, type ProxyService } from "../../src/proxy/index.js";
import { freePort } from "../helpers/net.js";
import { runOpenSsh } from "../helpers/openssh.js";
import { testCgroupRoot } from "../helpers/recording-host.js";
import { teleportYaml } from "../helpers/teleport-yaml.js";
import { tempDir } from "../helpers/tmp.js";
import { startAuthFixture, type AuthFixture } from "./auth-fixture.js";
import { createUserFiles, nodeConfigYaml, opensshArgs } from "./node-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (BPF, cgroups, setuid)" : false;

function getJson(port: number, path: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    // The proxy's certificate is self-signed here, as tsh --insecure accepts it.
    const req = request(
      { host: "127.0.0.1", port, path, rejectUnauthorized: false, servername: "localhost" },
      (res) => {
        let text = "";
        res.on("data", (d: Buffer) => (text += d.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("joining and serving through the proxy (proxy_server)", { skip }, () => {
  const cgroupRoot = testCgroupRoot();
  let auth: AuthFixture | undefined;
  let proxy: ProxyService | undefined;
  let node: NodeService | undefined;
  after(async () => {
    await node?.close();
    await proxy?.close();
    await auth?.close();
    cgroupRoot.remove();
  });

  it("joins, serves a recorded session and delivers it to auth, all through the proxy", async () => {
    auth = await startAuthFixture();
    const dir = tempDir("proxy-join-");
    const logger = createLogger({
      output: join(dir, "teleport.log"),
      severity: "INFO",
      format: "json",
    });
    // A proxy of its own, joined with a proxy token (no ca_pin: it trusts the auth it reaches).
    const proxyToken = await auth.admin.addToken({ roles: ["proxy"], ttl: "5m" });
    const webPort = await freePort();
    const proxyDataDir = join(dir, "proxy-data");
    const proxyConfig = parseConfig(
      teleportYaml({
        nodename: "proxy-host",
        dataDir: proxyDataDir,
        authServer: auth.server.addr,
        token: proxyToken.token,
        proxy: {
          webListenAddr: `127.0.0.1:${webPort}`,
          listenAddr: `127.0.0.1:${await freePort()}`,
        },
      }),
      "proxy.yaml",
    );
    proxy = await startProxyService({
      config: proxyConfig,
      logger,
      authAddr: auth.server.addr,
    });
    const proxyIdentity = loadHostIdentity(proxyDataDir, "proxy");
    assert.ok(proxyIdentity, "the proxy stores its identity");
    assert.equal(proxyIdentity.clusterName, auth.clusterName);
    assert.equal(
      (await auth.admin.listTokens()).some((t) => t.token === proxyToken.token),
      true,
      "a proxy token stays valid until it expires (as in Teleport)",
    );

    // The proxy's own HTTPS: a self-signed P-256 certificate and Teleport's ping.
    const ping = await getJson(webPort, "/webapi/ping");
    assert.equal(ping.status, 200);
    assert.equal((ping.body as { cluster_name: string }).cluster_name, auth.clusterName);
    const certificate = await new Promise<X509Certificate>((resolve, reject) => {
      const socket = connectTls(
        { host: "127.0.0.1", port: webPort, rejectUnauthorized: false, servername: "localhost" },
        () => {
          resolve(new X509Certificate(socket.getPeerCertificate().raw));
          socket.destroy();
        },
      );
      socket.on("error", reject);
    });
    assert.equal(certificate.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");
    assert.equal((await getJson(webPort, "/nothing")).status, 404);

    // Not TLS at all: dropped, nothing crashes.
    await new Promise<void>((resolve) => {
      const plain = connectTcp(webPort, "127.0.0.1", () => plain.write("GET / HTTP/1.0\r\n\r\n"));
      plain.on("close", () => resolve());
      plain.on("error", () => undefined);
    });

    const token = await auth.admin.addToken({ roles: ["node"], ttl: "5m" });
    const sshPort = await freePort();
    const nodeConfig = parseConfig(
      nodeConfigYaml({
        nodename: "graviton-node",
        dataDir: join(dir, "node-data"),
        proxyServer: `127.0.0.1:${webPort}`,
        token: token.token,
        port: sshPort,
        rootPath: cgroupRoot.rootPath,
        enhanced: true,
        labels: { env: "guide" },
        sshServiceLines: [],
      }),
      "node.yaml",
    );
    node = await startNodeService({ config: nodeConfig, logger });
    assert.equal(node.identity.clusterName, auth.clusterName);
    const nodes = await auth.admin.listNodes();
    assert.ok(
      nodes.some((n) => n.hostname === "graviton-node"),
      JSON.stringify(nodes),
    );

    const user = await createUserFiles(auth, join(dir, "alice"), "alice", {
      roles: ["access"],
      logins: ["root"],
    });
    const result = await runOpenSsh(
      opensshArgs({
        port: sshPort,
        user,
        login: "root",
        command: "/bin/echo via-proxy",
        hostAlias: `graviton-node.${auth.clusterName}`,
      }),
    );
    assert.equal(result.stdout, "via-proxy\n", result.stderr);
    const fixture = auth;
    const deadline = Date.now() + 30_000;
    let published: string[] = [];
    while (published.length === 0) {
      assert.ok(Date.now() < deadline, "the recording reached auth through the proxy");
      published = (await fixture.admin.listRecordings()).map((r) => r.sid);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { events } = await fixture.admin.searchEvents({ sid: published[0], limit: "1000" });
    assert.ok(
      events.some(
        (e) => e["event"] === "session.command" && JSON.stringify(e["argv"]) === '["via-proxy"]',
      ),
    );
  });
});
