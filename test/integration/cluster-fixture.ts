// A whole cluster in this process: auth, the proxy next to it (web port and SSH proxy port), and
// a joined SSH node with enhanced recording (the node fixture), plus users with passwords.
import { join } from "node:path";
import { parseConfig } from "../../src/config/index.js";
import { createLogger } from "../../src/log/index.js";
import { startProxyService, type ProxyService } from "../../src/proxy/index.js";
import { freePort } from "../helpers/net.js";
import { startNodeFixture, type NodeFixture, type NodeFixtureOptions } from "./node-fixture.js";

export interface ClusterFixture extends NodeFixture {
  proxy: ProxyService;
  /** The proxy's HTTPS port (self-signed certificate: clients need --insecure). */
  webPort: number;
  /** The proxy's SSH port (listen_addr). */
  sshProxyPort: number;
  proxyLogFile: string;
  /** A Teleport user who has set `password` through the invite, as `tctl users add` starts. */
  addPasswordUser(
    name: string,
    options: { roles: string[]; logins: string[]; password: string },
  ): Promise<void>;
}

export async function startClusterFixture(
  options: NodeFixtureOptions = {},
): Promise<ClusterFixture> {
  const fixture = await startNodeFixture(options);
  const webPort = await freePort();
  const sshProxyPort = await freePort();
  const config = parseConfig(
    [
      "version: v3",
      "teleport:",
      "  nodename: proxy.test",
      `  data_dir: ${join(fixture.dir, "proxy-data")}`,
      "proxy_service:",
      "  enabled: true",
      `  web_listen_addr: 127.0.0.1:${webPort}`,
      `  listen_addr: 127.0.0.1:${sshProxyPort}`,
      "",
    ].join("\n"),
    "proxy.yaml",
  );
  const proxyLogFile = join(fixture.dir, "proxy.log");
  const logger = createLogger({ output: proxyLogFile, severity: "DEBUG", format: "json" });
  const { server } = fixture.auth;
  const proxy = await startProxyService({
    config,
    logger,
    authAddr: server.localAddr,
    issueIdentity: (request) => server.issueLocalHostIdentity("proxy", request),
  });
  const closeNode = fixture.close.bind(fixture);
  return Object.assign(fixture, {
    proxy,
    webPort,
    sshProxyPort,
    proxyLogFile,
    async addPasswordUser(
      name: string,
      user: { roles: string[]; logins: string[]; password: string },
    ): Promise<void> {
      const invite = await fixture.auth.admin.addUser({
        name,
        roles: user.roles,
        logins: user.logins,
      });
      await fixture.auth.admin.completeInvite(invite.inviteToken, user.password);
    },
    async close(): Promise<void> {
      await proxy.close();
      await closeNode();
    },
  });
}
