// The node's SSH server: host certificate from the join, user certificates from the user CA,
// the user's roles checked against this node, sessions (shell and exec, with or without pty).
import type { AddressInfo } from "node:net";
import ssh2 from "ssh2";
import type { AuthContext, Connection, PseudoTtyInfo, ServerChannel, Session } from "ssh2";
import type { AuthClient } from "../auth/index.js";
import {
  canAccessNode,
  enhancedRecordingKinds,
  type EnhancedRecordingKind,
} from "../auth/roles/index.js";
import type { Logger } from "../log/index.js";
import { errorMessage } from "./errors.js";
import type { NodeIdentity } from "./identity.js";
import type { PtySize } from "./process.js";
import { certificateRoles, RoleCache } from "./roles.js";
import { runSession, type SessionHost } from "./session.js";
import { checkUserCertificate, hostKeyWithCertificate } from "./ssh/index.js";
import { lookupHostUser, type HostUser } from "./users.js";

const { Server } = ssh2;

export interface SshServerOptions {
  host: string;
  port: number;
  identity: NodeIdentity;
  labels: Readonly<Record<string, string>>;
  client: AuthClient;
  logger: Logger;
  sessionHost: Omit<SessionHost, "client" | "logger">;
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

function userCaKeys(lines: readonly string[]): string[] {
  // authorized_keys "cert-authority TYPE KEY comment" → "TYPE KEY".
  return lines.flatMap((line) => {
    const match = /^cert-authority\s+(\S+\s+\S+)/.exec(line.trim());
    return match?.[1] === undefined ? [] : [match[1]];
  });
}

export async function startSshServer(options: SshServerOptions): Promise<NodeSshServer> {
  const { identity, logger } = options;
  const log = logger.child({ component: "node" });
  const roles = new RoleCache(options.client);
  const caKeys = userCaKeys(identity.sshUserCaLines);
  const sessionHost: SessionHost = { ...options.sessionHost, client: options.client, logger };
  const connections = new Set<Connection>();
  const sessions = new Set<Promise<void>>();

  /** The user behind a signed certificate attempt, or why not (logged, never told the client). */
  async function authorize(ctx: AuthContext, ip: string): Promise<Authorized | string> {
    if (ctx.method !== "publickey") return `method ${ctx.method} is not accepted`;
    const decision = checkUserCertificate(ctx, { userCaKeys: caKeys, clientAddress: ip });
    if (!decision.ok) return decision.message;
    const cert = decision.certificate;
    const userRoles = await roles.resolve(certificateRoles(cert));
    if (!canAccessNode(userRoles, options.labels)) {
      return `the roles of user "${cert.keyId}" (${certificateRoles(cert).join(", ") || "none"}) do not allow this node`;
    }
    try {
      const hostUser = await lookupHostUser(ctx.username);
      return { user: cert.keyId, hostUser, kinds: enhancedRecordingKinds(userRoles) };
    } catch (error) {
      return errorMessage(error);
    }
  }

  const server = new Server(
    {
      hostKeys: [
        hostKeyWithCertificate({
          privateKey: identity.sshPrivateKey,
          certificate: identity.sshCertificate,
        }),
      ],
    },
    (conn, info) => {
      connections.add(conn);
      conn.on("close", () => connections.delete(conn));
      conn.on("error", (err) => log.debug({ err }, "SSH connection error."));
      let authorized: Authorized | undefined;
      conn.on("authentication", (ctx) => {
        authorize(ctx, info.ip).then(
          (result) => {
            if (typeof result !== "string") {
              // The unsigned query only asks whether the key would do: accept() answers PK_OK.
              if (ctx.method === "publickey" && ctx.signature !== undefined) authorized = result;
              return ctx.accept();
            }
            if (ctx.method === "publickey") {
              log.warn({ login: ctx.username, remote: info.ip }, `Login refused: ${result}.`);
            }
            ctx.reject(["publickey"]);
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
        conn.on("session", (accept) => handleSession(accept(), who));
      });
    },
  );

  function handleSession(session: Session, who: Authorized): void {
    let pty: PtySize | undefined;
    let resize: ((cols: number, rows: number) => void) | undefined;
    let started = false;
    session.on("pty", (accept, _reject, info: PseudoTtyInfo) => {
      pty = { cols: info.cols || 80, rows: info.rows || 24, term: info.term || "xterm" };
      accept?.();
    });
    session.on("window-change", (accept, _reject, info) => {
      if (pty) pty = { ...pty, cols: info.cols, rows: info.rows };
      resize?.(info.cols, info.rows);
      accept?.();
    });
    session.on("env", (accept) => accept?.());
    const start = (channel: ServerChannel, command: string | undefined): void => {
      started = true;
      const run = runSession(sessionHost, {
        user: who.user,
        hostUser: who.hostUser,
        kinds: who.kinds,
        command,
        pty,
        channel,
        onResize: (listener) => (resize = listener),
      }).catch((error: unknown) => log.error({ err: error }, "Session failed."));
      sessions.add(run);
      void run.finally(() => sessions.delete(run));
    };
    session.on("shell", (accept, reject) => (started ? reject?.() : start(accept(), undefined)));
    session.on("exec", (accept, reject, info) =>
      started ? reject?.() : start(accept(), info.command),
    );
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
      await Promise.allSettled([...sessions]);
    },
  };
}
