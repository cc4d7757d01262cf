import { authServerOptions, startAuthServer, type AuthServer } from "../auth/index.js";
import type { Config } from "../config/index.js";
import type { Logger } from "../log/index.js";
import { createDaemonMetrics, type DaemonMetrics, type NodeMetrics } from "../metrics/index.js";
import { startNodeService, type NodeService } from "../node/index.js";
import { startProxyService, type ProxyService } from "../proxy/index.js";
import { startDiagServer, type DiagServer } from "./diag.js";
import type { MissingService, Service } from "./service.js";

export interface ServicePlan {
  services: Service[];
  missing: MissingService[];
  /** Set once the diagnostic service has started, so /readyz can follow the daemon's state. */
  diag: () => DiagServer | undefined;
}

function diagService(
  addr: { host: string; port: number },
  metrics: DaemonMetrics,
  logger: Logger,
): {
  service: Service;
  get: () => DiagServer | undefined;
} {
  let server: DiagServer | undefined;
  return {
    get: () => server,
    service: {
      name: "diag",
      async start() {
        server = await startDiagServer(addr.host, addr.port, metrics);
        logger.info(
          { component: "diag", addr: `${server.address.address}:${server.address.port}` },
          "Diagnostic service is listening (/healthz, /readyz, /metrics).",
        );
      },
      async stop() {
        await server?.close();
        server = undefined;
      },
    },
  };
}

/** The Auth Service: cluster state, CAs and the mutual-TLS auth API on auth_service.listen_addr. */
function authService(
  config: Config,
  logger: Logger,
): { service: Service; get: () => AuthServer | undefined } {
  let server: AuthServer | undefined;
  const service: Service = {
    name: "auth",
    async start() {
      server = await startAuthServer(authServerOptions(config, logger));
      const { state } = server;
      logger.info(
        {
          component: "auth",
          addr: server.addr,
          cluster: state.clusterName,
          server_id: state.serverId,
          ca_pin: state.caPin,
        },
        `Auth service is listening on ${server.addr}.`,
      );
    },
    async stop() {
      await server?.close();
      server = undefined;
    },
  };
  return { service, get: () => server };
}

/**
 * The SSH Service: joins the cluster (or reuses its identity) and serves recorded sessions.
 * With `localAuth` (all-in-one), it takes its identity from the auth server in this process,
 * which must have started first, and dials it on loopback.
 */
function sshService(
  config: Config,
  logger: Logger,
  metrics: NodeMetrics | undefined,
  localAuth?: () => AuthServer | undefined,
): Service {
  let node: NodeService | undefined;
  return {
    name: "ssh",
    async start() {
      if (localAuth === undefined) {
        node = await startNodeService({ config, logger, metrics });
        return;
      }
      const auth = localAuth();
      if (auth === undefined) throw new Error("the auth service must start before the node");
      node = await startNodeService({
        config,
        logger,
        metrics,
        localAuth: {
          addr: auth.localAddr,
          issueIdentity: (request) => auth.issueLocalHostIdentity("node", request),
        },
      });
    },
    async stop() {
      await node?.close();
      node = undefined;
    },
  };
}

/**
 * The Proxy Service: next to the auth server in this process (`localAuth`, started after it, its
 * identity taken from it), or on its own, joined with a proxy token through auth_server.
 */
function proxyService(
  config: Config,
  logger: Logger,
  localAuth?: () => AuthServer | undefined,
): Service {
  let proxy: ProxyService | undefined;
  return {
    name: "proxy",
    async start() {
      if (localAuth === undefined) {
        proxy = await startProxyService({ config, logger, authAddr: remoteAuthAddr(config) });
        return;
      }
      const server = localAuth();
      if (server === undefined) throw new Error("the auth service must start before the proxy");
      proxy = await startProxyService({
        config,
        logger,
        authAddr: server.localAddr,
        issueIdentity: (request) => server.issueLocalHostIdentity("proxy", request),
      });
    },
    async stop() {
      await proxy?.close();
      proxy = undefined;
    },
  };
}

/** The auth server a proxy of its own dials: auth_server, or the first of auth_servers. */
function remoteAuthAddr(config: Config): string {
  const { auth_server, auth_servers } = config.teleport;
  const addr = auth_server ?? auth_servers[0];
  if (addr === undefined) throw new Error("a proxy of its own needs teleport.auth_server");
  return addr.addr;
}

/** Decides what this config asks the daemon to run, and which of those parts are not built yet. */
export function planServices(config: Config, logger: Logger): ServicePlan {
  const services: Service[] = [];
  const missing: MissingService[] = [];
  let diag: () => DiagServer | undefined = () => undefined;
  // Only collected when something serves them.
  let metrics: DaemonMetrics | undefined;

  if (config.teleport.diag_addr) {
    metrics = createDaemonMetrics();
    const built = diagService(config.teleport.diag_addr, metrics, logger);
    services.push(built.service);
    diag = built.get;
  }
  let auth: (() => AuthServer | undefined) | undefined;
  if (config.auth_service.enabled) {
    const built = authService(config, logger);
    services.push(built.service);
    auth = built.get;
  }
  if (config.proxy_service.enabled) {
    const { auth_server, auth_servers } = config.teleport;
    if (auth !== undefined) {
      services.push(proxyService(config, logger, auth));
    } else if (auth_server !== undefined || auth_servers.length > 0) {
      services.push(proxyService(config, logger));
    } else {
      missing.push({
        name: "proxy_service",
        reason:
          "the Proxy Service needs an auth server: set teleport.auth_server and auth_token (a proxy token: tctl tokens add --type=proxy) to join one, or enable auth_service in this process",
      });
    }
  }
  if (config.ssh_service.enabled) {
    const { auth_server, auth_servers, proxy_server } = config.teleport;
    if (auth_server !== undefined || auth_servers.length > 0 || proxy_server !== undefined) {
      services.push(sshService(config, logger, metrics?.node));
    } else if (auth !== undefined) {
      // All-in-one: listed after auth, so auth starts first and stops last.
      services.push(sshService(config, logger, metrics?.node, auth));
    } else {
      missing.push({
        name: "ssh_service",
        reason:
          "the SSH Service needs an auth server: set teleport.auth_server (or proxy_server), auth_token and ca_pin to join one, or enable auth_service in this process",
      });
    }
  }
  return { services, missing, diag };
}
