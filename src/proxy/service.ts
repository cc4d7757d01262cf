// The Proxy Service as the daemon runs it, next to auth in its process or on its own (joined
// with a proxy token): the TLS port on web_listen_addr that passes auth connections through and
// serves HTTPS, and the SSH port on listen_addr that connects users to nodes.
import { isIP } from "node:net";
import { hostname } from "node:os";
import { AuthClient } from "../auth/index.js";
import type { Config } from "../config/index.js";
import { obtainHostIdentity, type HostIdentityProvider } from "../join/index.js";
import type { Logger } from "../log/index.js";
import type { ProxyContext } from "./context.js";
import { httpsKeyPair } from "./https-keypair.js";
import { startSshProxy } from "./ssh/index.js";
import { startTlsRouter } from "./tls-router.js";
import { createWebServer } from "./web/index.js";

export interface ProxyServiceOptions {
  config: Config;
  logger: Logger;
  /** The auth server's API address ("host:port"): dialed, and connections passed through. */
  authAddr: string;
  /**
   * The auth server in this same process (all-in-one): the proxy takes its identity from it
   * instead of joining with a token.
   */
  issueIdentity?: HostIdentityProvider;
}

export interface ProxyService {
  /** The port web_listen_addr is served on (the kernel's pick when it was 0). */
  webPort: number;
  /** The port listen_addr is served on (SSH to nodes; the kernel's pick when it was 0). */
  sshPort: number;
  close(): Promise<void>;
}

function certificateNames(config: Config): { dnsNames: string[]; ipAddresses: string[] } {
  const hosts = new Set([
    config.teleport.nodename,
    hostname(),
    "localhost",
    ...config.proxy_service.public_addr.map((a) => a.host),
  ]);
  const ipAddresses = ["127.0.0.1", "::1"];
  const dnsNames: string[] = [];
  for (const host of hosts) {
    if (isIP(host) !== 0) ipAddresses.push(host);
    else if (host !== "") dnsNames.push(host);
  }
  return { dnsNames, ipAddresses: [...new Set(ipAddresses)] };
}

async function proxyContext(options: ProxyServiceOptions, log: Logger): Promise<ProxyContext> {
  const { config, authAddr } = options;
  const { teleport, proxy_service: proxy } = config;
  const { identity, joined } = await obtainHostIdentity({
    role: "proxy",
    dataDir: teleport.data_dir,
    authAddr,
    caPin: teleport.ca_pin,
    token: teleport.auth_token,
    hostname: teleport.nodename,
    addr: proxy.listen_addr.addr,
    labels: {},
    provider: options.issueIdentity,
    logger: log,
  });
  log.info(
    { host_id: identity.hostId, cluster: identity.clusterName },
    joined ? "Joined the cluster as a proxy." : "Using the stored proxy identity.",
  );
  return {
    identity,
    auth: new AuthClient({ addr: authAddr, identity: identity.tls }),
    authAddr,
    clusterName: identity.clusterName,
    logger: log,
  };
}

export async function startProxyService(options: ProxyServiceOptions): Promise<ProxyService> {
  const { config, logger } = options;
  const proxy = config.proxy_service;
  const log = logger.child({ component: "proxy" });
  const context = await proxyContext(options, log);
  const keyPair = await httpsKeyPair(proxy.https_keypairs, certificateNames(config));
  if (keyPair.selfSigned) {
    log.warn(
      "No proxy_service.https_keypairs: serving HTTPS with a self-signed certificate. Clients " +
        "must be told to accept it (tsh --insecure); set https_keypairs for a trusted one.",
    );
  }
  const sshPublic = proxy.public_addr[0]?.host ?? config.teleport.nodename;
  const web = createWebServer(context, {
    keyPem: keyPair.keyPem,
    certPem: keyPair.certPem,
    sshPublicAddr: `${sshPublic}:${proxy.listen_addr.port}`,
  });
  const router = await startTlsRouter({
    host: proxy.web_listen_addr.host,
    port: proxy.web_listen_addr.port,
    authAddr: options.authAddr,
    web,
    logger,
  });
  log.info(
    { addr: `${proxy.web_listen_addr.host}:${router.port}` },
    "Proxy web service is listening (HTTPS, and auth connections passed through).",
  );
  const ssh = await startSshProxy({
    context,
    host: proxy.listen_addr.host,
    port: proxy.listen_addr.port,
  }).catch(async (error: unknown) => {
    await router.close();
    web.close();
    throw error;
  });
  log.info(
    { addr: `${proxy.listen_addr.host}:${ssh.port}` },
    "Proxy SSH service is listening (certificate logins, connections to nodes).",
  );
  return {
    webPort: router.port,
    sshPort: ssh.port,
    async close() {
      await ssh.close();
      await router.close();
      web.close();
    },
  };
}
