// What every SSH server of ours (the node, the proxy's SSH port) sets alike on ssh2's Server.
import type { Connection, ServerConfig } from "ssh2";
import { hostKeyWithCertificate } from "./host-key.js";

export interface KeepAlive {
  /** How often the server pings a client it has not heard from. */
  intervalMs: number;
  /** Unanswered pings after which the connection is closed. */
  countMax: number;
}

/** Teleport's defaults (keep_alive_interval 5m, keep_alive_count_max 3). */
export const DEFAULT_KEEP_ALIVE: Readonly<KeepAlive> = Object.freeze({
  intervalMs: 5 * 60_000,
  countMax: 3,
});

/** The Server options of a host presenting its host certificate, with keepalives. */
export function certifiedServerConfig(
  host: { sshPrivateKey: string; sshCertificate: string },
  keepAlive: Readonly<KeepAlive> = DEFAULT_KEEP_ALIVE,
): ServerConfig {
  return {
    hostKeys: [
      hostKeyWithCertificate({ privateKey: host.sshPrivateKey, certificate: host.sshCertificate }),
    ],
    keepaliveInterval: keepAlive.intervalMs,
    keepaliveCountMax: keepAlive.countMax,
  };
}

/**
 * Turns Nagle off for a client's connection: with it, each small packet (a reply of the login,
 * a keystroke) waits up to 40 ms. ssh2 has the method on server connections too; its typings
 * only name it on the client.
 */
export function setNoDelay(conn: Connection): void {
  const method: unknown = Reflect.get(conn, "setNoDelay");
  if (typeof method === "function") method.call(conn, true);
}
