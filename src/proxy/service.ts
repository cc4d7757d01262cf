// The Proxy Service as the daemon runs it (in the auth server's process): the TLS port on
// web_listen_addr that passes auth connections through and serves HTTPS.
import { isIP } from "node:net";
import { hostname } from "node:os";
import type { Config } from "../config/index.js";
import type { Logger } from "../log/index.js";
import { httpsKeyPair } from "./https-keypair.js";
import { startTlsRouter } from "./tls-router.js";
import { createWebServer } from "./web.js";

export interface ProxyServiceOptions {
  config: Config;
  logger: Logger;
  /** The auth server's API address ("host:port") connections are passed through to. */
  authAddr: string;
  clusterName: string;
}

export interface ProxyService {
  /** The port web_listen_addr is served on (the kernel's pick when it was 0). */
  webPort: number;
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

export async function startProxyService(options: ProxyServiceOptions): Promise<ProxyService> {
  const { config, logger } = options;
  const proxy = config.proxy_service;
  const log = logger.child({ component: "proxy" });
  const keyPair = await httpsKeyPair(proxy.https_keypairs, certificateNames(config));
  if (keyPair.selfSigned) {
    log.warn(
      "No proxy_service.https_keypairs: serving HTTPS with a self-signed certificate. Clients " +
        "must be told to accept it (tsh --insecure); set https_keypairs for a trusted one.",
    );
  }
  const sshPublic = proxy.public_addr[0]?.host ?? config.teleport.nodename;
  const web = createWebServer({
    keyPem: keyPair.keyPem,
    certPem: keyPair.certPem,
    clusterName: options.clusterName,
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
  return {
    webPort: router.port,
    async close() {
      await router.close();
      web.close();
    },
  };
}
