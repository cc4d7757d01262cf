// The auth API server: HTTPS with mutual TLS. Every client certificate is checked against the
// cluster's TLS CA during the handshake; the handshake itself lets a client without a
// certificate through (a joining node has none yet) and each route then decides.
import { hostname as osHostname } from "node:os";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { performance } from "node:perf_hooks";
import type { TLSSocket } from "node:tls";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import type {
  Config,
  SecondFactor,
  SessionRecordingMode,
  StaticToken,
} from "../../config/index.js";
import { logRequest, type Logger } from "../../log/index.js";
import type { LockoutPolicy } from "../users/index.js";
import { Caller } from "./authz.js";
import { ApiError, AuthStartError, unauthenticated } from "./errors.js";
import { toApiError } from "./http/error-map.js";
import { Router, sendJson } from "./http/router.js";
import { sendStream, StreamBody } from "./http/stream.js";
import { NodeInventory } from "./inventory.js";
import { describeIdentity, peerIdentity, type Identity } from "./peer.js";
import { allRoutes } from "./routes/index.js";
import { issueHostIdentity, type HostIdentityResponse } from "./routes/join.js";
import { openAuthState, type AuthState } from "./state.js";

/** How often the admin identity is checked for renewal while the server runs. */
const ADMIN_RENEW_CHECK_MS = 60 * 60 * 1000;

export interface AuthServerOptions {
  dataDir: string;
  /** Where to listen; port 0 picks a free one (tests). */
  listen: { host: string; port: number };
  clusterName?: string;
  staticTokens?: readonly StaticToken[];
  /** auth_service.audit_events_uri[0]; default file://<data_dir>/log. */
  auditEventsUri?: string;
  /** auth_service.audit_sessions_uri: where published recordings go; default file://<data_dir>/log. */
  auditSessionsUri?: string;
  logger: Logger;
  /** The host name (default: the system's), for the server certificate and a default cluster name. */
  hostname?: string;
  /** Injected by tests; the system clock otherwise. */
  now?: () => Date;
  lockout?: LockoutPolicy;
  /** auth_service.authentication.second_factor; off when absent. */
  secondFactor?: SecondFactor;
  /** auth_service.session_recording, told to nodes in each heartbeat; "node" when absent. */
  sessionRecording?: SessionRecordingMode;
}

export interface LocalHostIdentityRequest {
  hostname: string;
  /** authorized_keys line of the node's SSH host key. */
  sshPublicKey: string;
  /** SPKI PEM of the node's TLS key. */
  tlsPublicKey: string;
  /** ssh_service.listen_addr ("host:port"). */
  addr: string;
  labels: Readonly<Record<string, string>>;
}

export interface AuthServer {
  /** "host:port" actually listened on. */
  readonly addr: string;
  /** "host:port" a client in this process dials: a wildcard listen host becomes loopback. */
  readonly localAddr: string;
  readonly port: number;
  readonly state: AuthState;
  /**
   * A host identity for an SSH or Proxy Service in this same process (all-in-one): what joining
   * with a token gives, without a token, since the caller already runs inside the auth server.
   */
  issueLocalHostIdentity(
    role: "node" | "proxy",
    request: LocalHostIdentityRequest,
  ): Promise<HostIdentityResponse>;
  close(): Promise<void>;
}

/** "host:port" to dial a server listening on `address` from the same host. */
function loopbackAddr(address: AddressInfo): string {
  if (address.address === "0.0.0.0") return `127.0.0.1:${address.port}`;
  if (address.address === "::") return `[::1]:${address.port}`;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `${host}:${address.port}`;
}

/**
 * The folder of a file:// URI of `setting` (audit_events_uri, audit_sessions_uri), <data_dir>/log
 * when unset; other schemes (s3://, postgres://…) are not built yet.
 */
export function auditLogDir(
  uri: string | undefined,
  dataDir: string,
  setting = "audit_events_uri",
): string {
  if (uri === undefined) return join(dataDir, "log");
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new AuthStartError(
      `auth_service.${setting} "${uri}" is not a URI such as file:///var/lib/teleport/log`,
    );
  }
  if (url.protocol !== "file:") {
    throw new AuthStartError(
      `auth_service.${setting} "${uri}": only file:// URIs are supported so far; ` +
        "use file://<data_dir>/log (the default) or another local folder",
    );
  }
  return fileURLToPath(url);
}

/** The auth server's options from teleport.yaml; AuthStartError for what it cannot do. */
export function authServerOptions(config: Config, logger: Logger): AuthServerOptions {
  const auth = config.auth_service;
  if (auth.audit_events_uri.length > 1) {
    // Teleport writes to every URI of the list; quietly using the first would lose the rest.
    throw new AuthStartError(
      `auth_service.audit_events_uri lists ${auth.audit_events_uri.length} URIs: writing the ` +
        "audit log to several places is not supported yet; give one (file://<data_dir>/log by default)",
    );
  }
  return {
    dataDir: config.teleport.data_dir,
    listen: { host: auth.listen_addr.host, port: auth.listen_addr.port },
    ...(auth.cluster_name === undefined ? {} : { clusterName: auth.cluster_name }),
    staticTokens: auth.tokens,
    ...(auth.audit_events_uri[0] === undefined ? {} : { auditEventsUri: auth.audit_events_uri[0] }),
    ...(auth.audit_sessions_uri === undefined ? {} : { auditSessionsUri: auth.audit_sessions_uri }),
    secondFactor: auth.authentication.second_factor,
    sessionRecording: auth.session_recording,
    logger,
  };
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      const why = error.code === "EADDRINUSE" ? "address already in use" : error.message;
      reject(
        new AuthStartError(
          `auth_service.listen_addr ${host}:${port}: ${why} (stop the other process or choose another listen_addr)`,
          { cause: error },
        ),
      );
    };
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

function handler(state: AuthState, router: Router) {
  const log = state.logger;
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    const method = req.method ?? "GET";
    let route = `${method} (unknown route)`;
    let identity: Identity | undefined;
    let status = 500;
    try {
      const peer = peerIdentity(req.socket as TLSSocket);
      if (!peer.ok) throw unauthenticated(peer.message);
      identity = peer.identity;
      const url = new URL(req.url ?? "/", "https://auth.invalid");
      const match = router.match(method, url.pathname);
      if (match.kind === "none") {
        throw new ApiError(404, "not_found", `no such API route: ${method} ${url.pathname}`);
      }
      if (match.kind === "wrong-method") {
        throw new ApiError(
          405,
          "method_not_allowed",
          `${url.pathname} accepts ${match.allowed.join(", ")}`,
        );
      }
      // The route's pattern, never the path: paths can hold secrets (DELETE /v1/tokens/TOKEN).
      route = `${match.route.spec.method} ${match.route.spec.path}`;
      const caller = new Caller(identity, state.roles);
      await match.route.access(caller, route);
      const body = await match.route.handle({
        req,
        params: match.params,
        query: url.searchParams,
        caller,
        remoteAddr: req.socket.remoteAddress ?? "",
      });
      status = 200;
      if (body instanceof StreamBody) await sendStream(res, body);
      else sendJson(res, status, body);
    } catch (error) {
      const answer = toApiError(error);
      status = answer?.status ?? 500;
      if (answer === undefined) {
        log.error({ err: error, route }, "API request failed.");
      }
      if (!res.headersSent) {
        sendJson(res, status, {
          error: {
            code: answer?.code ?? "internal",
            message:
              answer?.message ?? "internal error of the auth server: its log has the details",
          },
        });
      } else {
        res.destroy();
      }
    } finally {
      logRequest(log, "API request", started, {
        route,
        status,
        identity: describeIdentity(identity),
      });
    }
  };
}

export async function startAuthServer(options: AuthServerOptions): Promise<AuthServer> {
  const now = options.now ?? (() => new Date());
  const hostname = options.hostname ?? osHostname();
  const state = await openAuthState({
    dataDir: options.dataDir,
    ...(options.clusterName === undefined ? {} : { clusterName: options.clusterName }),
    hostname,
    listenHost: options.listen.host,
    staticTokens: options.staticTokens ?? [],
    auditLogDir: auditLogDir(options.auditEventsUri, options.dataDir),
    sessionsLogRoot: auditLogDir(options.auditSessionsUri, options.dataDir, "audit_sessions_uri"),
    now,
    ...(options.lockout === undefined ? {} : { lockout: options.lockout }),
    ...(options.secondFactor === undefined ? {} : { secondFactor: options.secondFactor }),
    logger: options.logger,
  });
  const deps = {
    state,
    inventory: new NodeInventory(state.backend, now),
    sessionRecording: options.sessionRecording ?? "node",
  };
  const handle = handler(state, new Router(allRoutes(deps)));
  const server = createServer(
    {
      key: state.serverTls.keyPem,
      cert: state.serverTls.certChainPem,
      ca: [state.cas.tlsCa.certPem],
      requestCert: true,
      // Verified, but not refused in the handshake: the routes answer a JSON error instead.
      rejectUnauthorized: false,
      minVersion: "TLSv1.2",
    },
    (req, res) => void handle(req, res),
  );
  // Every TCP connection, also those still in the TLS handshake (closeAllConnections only knows
  // HTTP ones): close() ends them all, so a stop never waits on a silent client.
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  let address: AddressInfo;
  try {
    address = await listen(server, options.listen.host, options.listen.port);
  } catch (error) {
    await state.close();
    throw error;
  }
  const renewTimer = setInterval(() => {
    state.renewAdminIdentity().catch((err: unknown) => {
      state.logger.error({ err }, "Could not renew the admin identity.");
    });
  }, ADMIN_RENEW_CHECK_MS);
  renewTimer.unref();

  let closing: Promise<void> | undefined;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    addr: `${host}:${address.port}`,
    localAddr: loopbackAddr(address),
    port: address.port,
    state,
    issueLocalHostIdentity(role, request) {
      return issueHostIdentity(deps, {
        role,
        hostname: request.hostname,
        sshPublicKey: request.sshPublicKey,
        tlsPublicKey: request.tlsPublicKey,
        addr: request.addr,
        labels: { ...request.labels },
      });
    },
    close() {
      closing ??= (async () => {
        clearInterval(renewTimer);
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
          for (const socket of sockets) socket.destroy();
        });
        await state.close();
      })();
      return closing;
    },
  };
}
