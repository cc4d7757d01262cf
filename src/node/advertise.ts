// The address a node announces to the cluster (heartbeats, and its host certificate at the join).
// A node listening on every interface (0.0.0.0 or ::, the default) cannot announce that: the
// proxy could not dial it. It announces teleport.advertise_ip when set, else a specific listen
// address, else the address this host sends from when it reaches the cluster, which is one the
// cluster can reach it at.
import { createSocket } from "node:dgram";
import { lookup } from "node:dns/promises";
import { isIPv6 } from "node:net";

const UNSPECIFIED = new Set(["", "0.0.0.0", "::"]);

export function formatHostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The local IP the kernel would send from to reach host:port: a UDP socket connected there (which
 * only picks a route; no packet is sent). `family` 4 keeps to IPv4 for a node on 0.0.0.0.
 */
export async function localAddressToward(
  host: string,
  port: number,
  family?: 4 | 6,
): Promise<string> {
  const peer = await lookup(host, family === undefined ? {} : { family });
  const socket = createSocket(peer.family === 6 ? "udp6" : "udp4");
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.connect(port, peer.address, () => resolve());
    });
    return socket.address().address;
  } finally {
    socket.close();
  }
}

export interface AdvertiseOptions {
  listenHost: string;
  /** teleport.advertise_ip */
  advertiseIp: string | undefined;
  /** Where the node reaches the cluster (auth, or the proxy's web port): "host:port". */
  clusterAddr: { host: string; port: number };
  /** Told why no reachable address was found; the listen host is announced then. */
  onFallback: (error: Error) => void;
}

/** The host part of the address the node announces. */
export async function advertisedHost(options: AdvertiseOptions): Promise<string> {
  const { listenHost, clusterAddr } = options;
  // advertise_ip wins even over a specific listen address: behind NAT, neither is the other.
  if (options.advertiseIp !== undefined) return options.advertiseIp;
  if (!UNSPECIFIED.has(listenHost)) return listenHost;
  try {
    // A node on 0.0.0.0 takes IPv4 connections only; on :: either family.
    const family = listenHost === "0.0.0.0" ? 4 : undefined;
    return await localAddressToward(clusterAddr.host, clusterAddr.port, family);
  } catch (error) {
    options.onFallback(error instanceof Error ? error : new Error(String(error)));
    return listenHost;
  }
}
