// SSH to a node through the proxy, as Teleport's tsh does: log in to the proxy's SSH port with
// the user certificate, ask for subsystem "proxy:NODE:PORT@CLUSTER" (the channel then carries
// the node's SSH port), and run a second SSH connection over that channel, end to end with the
// node, which checks the certificate and records the session. Both hosts must show a host
// certificate from the cluster's host CA.
import ssh2 from "ssh2";
import type { Client as SshClient, ClientChannel, ConnectConfig } from "ssh2";
import {
  hostCertificateVerifier,
  userCertificateAuth,
  type HostCertificateRejection,
} from "../ssh/index.js";
import { formatHostPort, type HostPort } from "./addr.js";
import type { Credentials } from "./credentials.js";
import { ClientError, UnreachableError } from "./errors.js";
import { unreachableReason } from "./net-errors.js";

const { Client } = ssh2;

const READY_TIMEOUT_MS = 20_000;

export interface NodeTarget {
  node: string;
  /** Undefined: whichever port the node registered (the proxy's "port 0"). */
  port: number | undefined;
  login: string;
}

export interface NodeConnection {
  /** Logged in on the node: open sessions on it. */
  client: SshClient;
  /** Why the connection broke after login, if it did (a session then ends without a status). */
  lost(): Error | undefined;
  close(): void;
}

/** "proxy:node-1:0@cluster": the proxy's subsystem naming the node. */
export function proxySubsystem(target: NodeTarget, cluster: string): string {
  const host = target.node.includes(":") ? `[${target.node}]` : target.node;
  return `proxy:${host}:${target.port ?? 0}@${cluster}`;
}

/** ssh2's "All configured authentication methods failed" and the like, as tsh says it. */
function loginRefused(where: string, target: NodeTarget, credentials: Credentials): ClientError {
  const logins = credentials.logins.join(", ") || "none";
  return new ClientError(
    `${where} refused ${credentials.user}'s certificate for login "${target.login}": your logins ` +
      `are ${logins}; choose one with -l LOGIN or LOGIN@NODE (tsh status lists them), and check ` +
      "that your roles allow this node",
  );
}

interface Hop {
  config: ConnectConfig;
  /** The name the host certificate must carry. */
  hostname: string;
  credentials: Credentials;
  /** The error to throw for a failed login, knowing whether the host certificate was refused. */
  describe: (error: Error, rejected: HostCertificateRejection | undefined) => Error;
}

interface Connected {
  client: SshClient;
  lost(): Error | undefined;
}

function connect({ config, hostname, credentials, describe }: Hop): Promise<Connected> {
  const client = new Client();
  let rejected: HostCertificateRejection | undefined;
  let lost: Error | undefined;
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => {
      client.removeListener("ready", onReady);
      client.end();
      reject(describe(error, rejected));
    };
    const onReady = (): void => {
      client.removeListener("error", onError);
      client.on("error", (error: Error) => (lost ??= error));
      resolve({ client, lost: () => lost });
    };
    client.once("ready", onReady);
    client.once("error", onError);
    client.connect({
      ...config,
      ...userCertificateAuth({
        username: config.username ?? "",
        privateKey: credentials.privateKey,
        certificate: credentials.sshCertificate,
      }),
      ...hostCertificateVerifier({
        hostCaKeys: credentials.hostCaKeys,
        hostname,
        onReject: (rejection) => (rejected = rejection),
      }),
      readyTimeout: READY_TIMEOUT_MS,
      keepaliveInterval: 30_000,
    });
  });
}

function openSubsystem(client: SshClient, name: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.subsys(name, (error, channel) => (error ? reject(error) : resolve(channel)));
  });
}

/** Connects to the node; throws ClientError with the proxy's or node's reason on failure. */
export async function connectThroughProxy(
  sshProxy: HostPort,
  target: NodeTarget,
  credentials: Credentials,
): Promise<NodeConnection> {
  const proxyAddr = formatHostPort(sshProxy);
  const proxy = await connect({
    config: { host: sshProxy.host, port: sshProxy.port, username: target.login },
    hostname: sshProxy.host,
    credentials,
    describe(error, rejected) {
      if (rejected !== undefined) {
        return new ClientError(`the proxy at ${proxyAddr} is not trusted: ${rejected.message}`);
      }
      const reason = unreachableReason(error);
      if (reason !== undefined) {
        return new UnreachableError("the proxy's SSH port", proxyAddr, reason, { cause: error });
      }
      if (/authentication methods failed/i.test(error.message)) {
        return loginRefused(`the proxy at ${proxyAddr}`, target, credentials);
      }
      return new ClientError(`SSH to the proxy at ${proxyAddr} failed: ${error.message}`, {
        cause: error,
      });
    },
  });
  let channel: ClientChannel;
  try {
    channel = await openSubsystem(proxy.client, proxySubsystem(target, credentials.cluster));
  } catch (error) {
    proxy.client.end();
    throw new ClientError(
      `the proxy at ${proxyAddr} refused to connect to node "${target.node}": ${(error as Error).message}`,
    );
  }
  // On failure the proxy writes one line on the channel's stderr and closes it.
  let proxyMessage = "";
  channel.stderr.on("data", (data: Buffer) => (proxyMessage += data.toString("utf8")));
  try {
    const node = await connect({
      config: { sock: channel, username: target.login },
      hostname: target.node,
      credentials,
      describe(error, rejected) {
        const said = proxyMessage.trim().split("\n")[0];
        if (said !== undefined && said !== "") return new ClientError(said);
        if (rejected !== undefined) {
          return new ClientError(`node "${target.node}" is not trusted: ${rejected.message}`);
        }
        if (/authentication methods failed/i.test(error.message)) {
          return loginRefused(`node "${target.node}"`, target, credentials);
        }
        return new ClientError(`SSH to node "${target.node}" failed: ${error.message}`, {
          cause: error,
        });
      },
    });
    return {
      client: node.client,
      lost: () => node.lost() ?? proxy.lost(),
      close() {
        node.client.end();
        proxy.client.end();
      },
    };
  } catch (error) {
    proxy.client.end();
    throw error;
  }
}
