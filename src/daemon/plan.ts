import { authServerOptions, startAuthServer, type AuthServer } from "../auth/index.js";
import type { Config } from "../config/index.js";
import type { Logger } from "../log/index.js";
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
        server = await startDiagServer(addr.host, addr.port);
        logger.info(
          { component: "diag", addr: `${server.address.address}:${server.address.port}` },
          "Diagnostic service is listening (/healthz, /readyz).",
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
function authService(config: Config, logger: Logger): Service {
  let server: AuthServer | undefined;
  return {
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
}

/** Decides what this config asks the daemon to run, and which of those parts are not built yet. */
export function planServices(config: Config, logger: Logger): ServicePlan {
  const services: Service[] = [];
  const missing: MissingService[] = [];
  let diag: () => DiagServer | undefined = () => undefined;

  if (config.teleport.diag_addr) {
    const built = diagService(config.teleport.diag_addr, logger);
    services.push(built.service);
    diag = built.get;
  }
  if (config.auth_service.enabled) services.push(authService(config, logger));
  if (config.proxy_service.enabled) {
    missing.push({
      name: "proxy_service",
      reason: "the Proxy Service is not built yet (issue #7)",
    });
  }
  if (config.ssh_service.enabled) {
    missing.push({ name: "ssh_service", reason: "the SSH Service is not built yet (issue #6)" });
    if (config.ssh_service.enhanced_recording.enabled) {
      missing.push({
        name: "ssh_service.enhanced_recording",
        reason:
          "enhanced recording passed its start-up checks, and records sessions once the SSH Service exists (issue #6)",
      });
    }
  }
  return { services, missing, diag };
}
