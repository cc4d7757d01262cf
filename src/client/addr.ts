// "host:port" as users type it for --proxy, and the addresses tsh derives from it.
import { ClientError } from "./errors.js";

/** Teleport's proxy ports: HTTPS (web) and SSH. */
export const DEFAULT_WEB_PORT = 3080;
export const DEFAULT_SSH_PROXY_PORT = 3023;
/** The node port OpenSSH is told to ask the proxy for; the proxy uses the node's registered one. */
export const DEFAULT_NODE_PORT = 3022;

export interface HostPort {
  host: string;
  port: number;
}

/** "[::1]:3080" for IPv6 hosts, "host:3080" otherwise. */
export function formatHostPort({ host, port }: HostPort): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Parses "host", "host:port", "[v6]" or "[v6]:port"; a missing port is `defaultPort`. */
export function parseHostPort(text: string, defaultPort: number, what: string): HostPort {
  const trimmed = text
    .trim()
    .replace(/^https?:\/\//, "")
    .replace(/\/+$/, "");
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  const plain = /^([^:[\]\s]+)(?::(\d+))?$/.exec(trimmed);
  const match = bracketed ?? plain;
  const port = match?.[2] === undefined ? defaultPort : Number(match[2]);
  if (match?.[1] === undefined || !(port >= 1 && port <= 65535)) {
    throw new ClientError(
      `${what} ${JSON.stringify(text)} is not HOST or HOST:PORT (e.g. proxy.example.com:${defaultPort})`,
    );
  }
  return { host: match[1], port };
}

/**
 * Where to dial the SSH proxy, from the ping's addresses: an explicit public address when the
 * proxy has one, else the host tsh reached the web port on with the SSH listen port (as
 * Teleport's tsh does: a listen address may be a wildcard or a name only the proxy knows).
 */
export function sshProxyAddr(
  webProxy: HostPort,
  ssh: { listen_addr?: string | undefined; public_addr?: string | undefined },
): HostPort {
  const listen =
    ssh.listen_addr === undefined || ssh.listen_addr === ""
      ? undefined
      : parseHostPort(ssh.listen_addr, DEFAULT_SSH_PROXY_PORT, "the proxy's SSH listen address");
  const publicAddr = ssh.public_addr ?? "";
  if (publicAddr !== "" && publicAddr !== ssh.listen_addr) {
    return parseHostPort(publicAddr, DEFAULT_SSH_PROXY_PORT, "the proxy's SSH public address");
  }
  return { host: webProxy.host, port: listen?.port ?? DEFAULT_SSH_PROXY_PORT };
}
