// The proxy's SSH port (proxy_service.listen_addr, Teleport's 3023): users log in with their
// certificate and ask for a node, by the subsystem "proxy:HOST:PORT@CLUSTER" (OpenSSH
// ProxyCommand, tsh) or a direct-tcpip channel (OpenSSH ProxyJump, -J). The channel then carries
// the client's own SSH connection to the node.
import type { AddressInfo, Socket } from "node:net";
import ssh2 from "ssh2";
import type { Connection, ServerChannel, Session, TcpipRequestInfo } from "ssh2";
import type { Logger } from "../../log/index.js";
import {
  certificateRoles,
  certifiedServerConfig,
  RoleCache,
  setNoDelay,
  userCaKeys,
} from "../../ssh/index.js";
import type { ProxyContext } from "../context.js";
import { NodeAccess, type Opened, type ProxyUser } from "./access.js";
import { rejectChannel } from "./channel-reject.js";
import { NodeDirectory } from "./nodes.js";
import { relay } from "./relay.js";
import { parseProxySubsystem, PROXY_SUBSYSTEM_PREFIX, type TargetRequest } from "./target.js";
import { checkProxyLogin } from "./user-auth.js";

/** A role edit reaches the proxy's node checks within this. */
const ROLE_TTL_MS = 10_000;

const { Server } = ssh2;

export interface SshProxyOptions {
  context: ProxyContext;
  host: string;
  /** 0: the kernel picks one (see SshProxy.port). */
  port: number;
}

export interface SshProxy {
  port: number;
  close(): Promise<void>;
}

/** Writes `message` as one line to the channel's stderr, exits 1 and closes the channel. */
function refuse(channel: ServerChannel, message: string): void {
  channel.stderr.write(`${message}\n`);
  channel.exit(1);
  channel.end();
}

const plainIp = (ip: string): string => (ip.startsWith("::ffff:") ? ip.slice(7) : ip);

export async function startSshProxy(options: SshProxyOptions): Promise<SshProxy> {
  const { context } = options;
  const log: Logger = context.logger.child({ component: "proxy" });
  const caKeys = userCaKeys(context.identity.sshUserCaLines);
  const access = new NodeAccess(
    new NodeDirectory(context.auth),
    new RoleCache(context.auth, ROLE_TTL_MS),
    context.clusterName,
  );
  const connections = new Set<Connection>();
  const nodeSockets = new Set<Socket>();
  const usage =
    `this is the SSH proxy of cluster "${context.clusterName}": it runs no shell or command. ` +
    `Reach a node through it with ssh -J (ProxyJump), or with the subsystem ` +
    `${PROXY_SUBSYSTEM_PREFIX}NODE[:PORT][@CLUSTER] (tsh config prints an OpenSSH config for it)`;

  /** Opens the node for `who`, logging the outcome; the socket is closed with the proxy. */
  async function open(who: ProxyUser, request: TargetRequest, via: string): Promise<Opened> {
    const opened = await access.open(who, request);
    if (!opened.ok) {
      log.info({ user: who.name, target: request.host, via }, `Proxy refused: ${opened.message}.`);
      return opened;
    }
    nodeSockets.add(opened.socket);
    opened.socket.on("close", () => nodeSockets.delete(opened.socket));
    log.debug(
      { user: who.name, node: opened.node.hostname, addr: opened.node.addr, via },
      "Proxying a connection to a node.",
    );
    return opened;
  }

  const onRelayError =
    (who: ProxyUser) =>
    (error: Error): void =>
      log.debug({ err: error, user: who.name }, "A proxied connection ended with an error.");

  function handleSession(session: Session, who: ProxyUser): void {
    session.on("subsystem", (accept, _reject, info) => {
      // Accepted at once: ssh2 drops data that arrives on a session before it has a channel,
      // and the client's SSH greeting to the node follows the request immediately.
      const channel = accept();
      const parsed = parseProxySubsystem(info.name);
      if (!parsed.ok) return refuse(channel, parsed.message);
      let closed = false;
      channel.on("close", () => (closed = true));
      open(who, parsed.request, "subsystem")
        .then((opened) => {
          if (!opened.ok) return refuse(channel, opened.message);
          if (closed) return opened.socket.destroy();
          relay(channel, opened.socket, onRelayError(who));
        })
        .catch((error: unknown) => {
          log.error({ err: error, user: who.name }, "Proxying a connection failed.");
          channel.destroy();
        });
    });
    session.on("shell", (accept) => refuse(accept(), usage));
    session.on("exec", (accept) => refuse(accept(), usage));
  }

  function handleDirect(
    conn: Connection,
    who: ProxyUser,
    accept: () => ServerChannel,
    reject: () => void,
    info: TcpipRequestInfo,
  ): void {
    const request = { host: info.destIP, port: info.destPort || undefined, cluster: undefined };
    open(who, request, "direct-tcpip")
      .then((opened) => {
        if (!opened.ok) {
          const reason = opened.reason === "unreachable" ? "connect-failed" : "prohibited";
          return rejectChannel(conn, reject, reason, opened.message);
        }
        if (!connections.has(conn)) return opened.socket.destroy();
        relay(accept(), opened.socket, onRelayError(who));
      })
      .catch((error: unknown) => {
        log.error({ err: error, user: who.name }, "Proxying a connection failed.");
        reject();
      });
  }

  const server = new Server(
    // Teleport's keepalive defaults, as on the node.
    certifiedServerConfig(context.identity),
    (conn, clientInfo) => {
      setNoDelay(conn);
      connections.add(conn);
      conn.on("close", () => connections.delete(conn));
      conn.on("error", (err) => log.debug({ err }, "SSH proxy connection error."));
      const remote = plainIp(clientInfo.ip);
      let user: ProxyUser | undefined;
      conn.on("authentication", (ctx) => {
        if (ctx.method !== "publickey") return ctx.reject(["publickey"]);
        const decision = checkProxyLogin(ctx, { userCaKeys: caKeys, clientAddress: remote });
        if (!decision.ok) {
          // Plain keys are offered before certificates by some clients: not worth a warning.
          const level = decision.reason === "not-a-certificate" ? "debug" : "warn";
          log[level]({ login: ctx.username, remote }, `Login refused: ${decision.message}.`);
          return ctx.reject(["publickey"]);
        }
        // The unsigned query only asks whether the key would do: accept() answers PK_OK.
        if (decision.signed) {
          const { certificate } = decision;
          user = { name: certificate.keyId, roleNames: certificateRoles(certificate) };
        }
        ctx.accept();
      });
      conn.on("ready", () => {
        const who = user;
        if (who === undefined) return conn.end();
        conn.on("session", (acceptSession) => handleSession(acceptSession(), who));
        conn.on("tcpip", (accept, reject, info) => handleDirect(conn, who, accept, reject, info));
      });
    },
  );

  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      const why = err.code === "EADDRINUSE" ? "address already in use" : err.message;
      const where = `${options.host}:${options.port}`;
      reject(
        new Error(
          `proxy_service.listen_addr ${where}: ${why} ` +
            "(stop the other process or choose another listen_addr)",
          { cause: err },
        ),
      );
    });
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const conn of connections) conn.end();
      for (const socket of nodeSockets) socket.destroy();
      await closed;
    },
  };
}
