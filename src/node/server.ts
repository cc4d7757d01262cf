// The node's SSH server: host certificate from the join, user certificates from the user CA,
// the user's roles checked against this node (refusals go to the audit log), sessions (shell,
// exec and the sftp subsystem, with or without pty), keepalives.
import { Socket, type AddressInfo } from "node:net";
import ssh2 from "ssh2";
import type {
  AuthContext,
  ClientInfo,
  Connection,
  PseudoTtyInfo,
  ServerChannel,
  Session,
} from "ssh2";
import { parseSshCertificate } from "../auth/ca/index.js";
import type { AuthClient } from "../auth/index.js";
import {
  canAccessNode,
  enhancedRecordingKinds,
  type EnhancedRecordingKind,
} from "../auth/roles/index.js";
import type { Logger } from "../log/index.js";
import { errorMessage } from "./errors.js";
import type { HostIdentity } from "../join/index.js";
import { auditRefusedLogin, type LoginAuditOptions } from "./login-audit.js";
import type { PtySize } from "./process.js";
import { runSession, type SessionHost } from "./session.js";
import { findSftpServer, SFTP_SERVER_PATHS, sftpMissingMessage } from "./sftp.js";
import {
  certificateRoles,
  certifiedServerConfig,
  checkUserCertificate,
  RoleCache,
  setNoDelay,
  userCaKeys,
  type KeepAlive,
} from "../ssh/index.js";
import { acceptsClientEnv, plainIp, type ConnectionEnds } from "./ssh-env.js";
import { lookupHostUser, type HostUser } from "./users.js";

const { Server } = ssh2;

/** A role edit reaches logins on this node within this. */
const ROLE_TTL_MS = 30_000;

export interface SshServerOptions {
  host: string;
  port: number;
  identity: HostIdentity;
  labels: Readonly<Record<string, string>>;
  client: AuthClient;
  logger: Logger;
  sessionHost: Omit<SessionHost, "client" | "logger">;
  /** Default: Teleport's (a ping after 5 minutes of silence, closed after 3 unanswered). */
  keepAlive?: KeepAlive;
  /** Where to look for sftp-server; default: SFTP_SERVER_PATHS. */
  sftpServerPaths?: readonly string[];
}

export interface NodeSshServer {
  port: number;
  close(): Promise<void>;
}

interface Authorized {
  user: string;
  hostUser: HostUser;
  kinds: EnhancedRecordingKind[];
}

/** Why a login was refused, and the user the certificate names when there was one. */
interface Refusal {
  reason: string;
  /** Undefined when no certificate was offered: such attempts are not audited. */
  user: string | undefined;
}

/** The user a certificate names (its key id), read without trusting it; for the audit only. */
function claimedUser(ctx: AuthContext): string | undefined {
  if (ctx.method !== "publickey") return undefined;
  try {
    return parseSshCertificate(ctx.key.data).keyId;
  } catch {
    return undefined;
  }
}

/** Both ends of the connection, as SSH_CONNECTION and the audit log name them. */
function connectionEnds(conn: Connection, info: ClientInfo, listen: AddressInfo): ConnectionEnds {
  // ssh2 keeps the socket to itself; its local end tells which address the client reached.
  const socket: unknown = Reflect.get(conn, "_sock");
  const local = socket instanceof Socket ? socket : undefined;
  return {
    remoteIp: plainIp(info.ip),
    remotePort: info.port,
    localIp: plainIp(local?.localAddress ?? listen.address),
    localPort: local?.localPort ?? listen.port,
  };
}

const hostPort = (ip: string, port: number): string =>
  ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;

export async function startSshServer(options: SshServerOptions): Promise<NodeSshServer> {
  const { identity, logger } = options;
  const log = logger.child({ component: "node" });
  const roles = new RoleCache(options.client, ROLE_TTL_MS);
  const caKeys = userCaKeys(identity.sshUserCaLines);
  const sessionHost: SessionHost = { ...options.sessionHost, client: options.client, logger };
  const audit: LoginAuditOptions = {
    delivery: options.sessionHost.delivery,
    logger,
    clusterName: identity.clusterName,
    serverId: identity.hostId,
  };
  const sftpServerPaths = options.sftpServerPaths ?? SFTP_SERVER_PATHS;
  const connections = new Set<Connection>();
  const pending = new Set<Promise<void>>();

  /** Tracks work that close() waits for. */
  function track(work: Promise<void>): void {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  }

  /** The user behind a certificate attempt, or why not (logged and audited, never told the client). */
  async function authorize(ctx: AuthContext, ip: string): Promise<Authorized | Refusal> {
    if (ctx.method !== "publickey") {
      return { reason: `method ${ctx.method} is not accepted`, user: undefined };
    }
    const decision = checkUserCertificate(ctx, { userCaKeys: caKeys, clientAddress: ip });
    if (!decision.ok) {
      const user = decision.reason === "not-a-certificate" ? undefined : claimedUser(ctx);
      return { reason: decision.message, user };
    }
    const cert = decision.certificate;
    const refuse = (reason: string): Refusal => ({ reason, user: cert.keyId });
    const names = certificateRoles(cert);
    const userRoles = await roles.resolve(names);
    if (!canAccessNode(userRoles, options.labels)) {
      return refuse(
        `the roles of user "${cert.keyId}" (${names.join(", ") || "none"}) do not allow this node`,
      );
    }
    try {
      const hostUser = await lookupHostUser(ctx.username);
      return { user: cert.keyId, hostUser, kinds: enhancedRecordingKinds(userRoles) };
    } catch (error) {
      return refuse(errorMessage(error));
    }
  }

  const server = new Server(certifiedServerConfig(identity, options.keepAlive), (conn, info) => {
    setNoDelay(conn);
    connections.add(conn);
    conn.on("close", () => connections.delete(conn));
    conn.on("error", (err) => log.debug({ err }, "SSH connection error."));
    const ends = connectionEnds(conn, info, server.address() as AddressInfo);
    let authorized: Authorized | undefined;
    conn.on("authentication", (ctx) => {
      authorize(ctx, ends.remoteIp).then(
        (result) => {
          if ("hostUser" in result) {
            // The unsigned query only asks whether the key would do: accept() answers PK_OK.
            if (ctx.method === "publickey" && ctx.signature !== undefined) authorized = result;
            return ctx.accept();
          }
          ctx.reject(["publickey"]);
          if (ctx.method !== "publickey") return;
          log.warn(
            { user: result.user, login: ctx.username, remote: ends.remoteIp },
            `Login refused: ${result.reason}.`,
          );
          if (result.user === undefined) return;
          track(
            auditRefusedLogin(
              {
                user: result.user,
                login: ctx.username,
                reason: result.reason,
                remoteAddr: hostPort(ends.remoteIp, ends.remotePort),
                localAddr: hostPort(ends.localIp, ends.localPort),
              },
              audit,
            ),
          );
        },
        (error: unknown) => {
          log.error({ err: error }, "Checking a login failed.");
          ctx.reject(["publickey"]);
        },
      );
    });
    conn.on("ready", () => {
      const who = authorized;
      if (who === undefined) return conn.end();
      conn.on("session", (accept) => handleSession(accept(), who, ends));
    });
  });

  function handleSession(session: Session, who: Authorized, connection: ConnectionEnds): void {
    let pty: PtySize | undefined;
    let resize: ((cols: number, rows: number) => void) | undefined;
    let started = false;
    const clientEnv: Record<string, string> = {};
    session.on("pty", (accept, _reject, info: PseudoTtyInfo) => {
      pty = { cols: info.cols || 80, rows: info.rows || 24, term: info.term || "xterm" };
      accept?.();
    });
    session.on("window-change", (accept, _reject, info) => {
      if (pty) pty = { ...pty, cols: info.cols, rows: info.rows };
      try {
        resize?.(info.cols, info.rows);
      } catch (error) {
        // Thrown from here, it would end the connection and every session on it.
        log.warn({ err: error }, "A window change could not be applied.");
      }
      accept?.();
    });
    session.on("env", (accept, reject, info) => {
      if (started || !acceptsClientEnv(info.key, info.val)) return reject?.();
      clientEnv[info.key] = info.val;
      accept?.();
    });
    const start = (
      channel: ServerChannel,
      command: string | undefined,
      subsystem: string | undefined,
    ): void => {
      started = true;
      track(
        runSession(sessionHost, {
          user: who.user,
          hostUser: who.hostUser,
          kinds: who.kinds,
          command,
          subsystem,
          pty,
          clientEnv,
          connection,
          channel,
          onResize: (listener) => (resize = listener),
        }).catch((error: unknown) => log.error({ err: error }, "Session failed.")),
      );
    };
    session.on("shell", (accept, reject) =>
      started ? reject?.() : start(accept(), undefined, undefined),
    );
    session.on("exec", (accept, reject, info) =>
      started ? reject?.() : start(accept(), info.command, undefined),
    );
    session.on("subsystem", (accept, reject, info) => {
      if (started || info.name !== "sftp") return reject?.();
      const sftpServer = findSftpServer(sftpServerPaths);
      if (sftpServer !== undefined) return start(accept(), sftpServer, info.name);
      started = true;
      log.error("An sftp session was asked for, but this host has no sftp-server.");
      const channel = accept();
      channel.stderr.write(sftpMissingMessage(sftpServerPaths));
      channel.exit(127);
      channel.end();
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ addr: `${options.host}:${port}` }, "SSH service is listening.");
  return {
    port,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const conn of connections) conn.end();
      await Promise.allSettled([...pending]);
    },
  };
}
