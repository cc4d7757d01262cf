// Which registered node a client means. Clients name a node as Teleport's do: by host name, host
// id or address, with an optional port and cluster, either in the subsystem OpenSSH's
// ProxyCommand and tsh ask for ("proxy:HOST:PORT@CLUSTER") or as the destination of a
// direct-tcpip channel (ProxyJump). Only nodes in the inventory are ever dialed, at the address
// they registered: the proxy is no relay to arbitrary addresses.
import { splitAddr, type NodeRecord } from "../../auth/index.js";

export interface TargetRequest {
  /** As the client wrote it. */
  host: string;
  /** Undefined when not given (or 0): the node's registered port. */
  port: number | undefined;
  cluster: string | undefined;
}

export type Parsed = { ok: true; request: TargetRequest } | { ok: false; message: string };

export type Resolution =
  | { ok: true; node: NodeRecord; addr: { host: string; port: number } }
  | { ok: false; notFound: boolean; message: string };

export const PROXY_SUBSYSTEM_PREFIX = "proxy:";
const USAGE = "use proxy:HOST[:PORT][@CLUSTER]";

function parsePort(text: string): number | undefined | Error {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 0 && port <= 65535)) return new Error(`port "${text}" is not a number up to 65535`);
  // tsh sends port 0 for "whichever port the node listens on".
  return port === 0 ? undefined : port;
}

/** Reads "proxy:HOST", "proxy:HOST:PORT", "proxy:[IPv6]:PORT", each with an optional "@CLUSTER". */
export function parseProxySubsystem(name: string): Parsed {
  const fail = (why: string): Parsed => ({
    ok: false,
    message: `subsystem ${JSON.stringify(name)}: ${why}: ${USAGE}`,
  });
  if (!name.startsWith(PROXY_SUBSYSTEM_PREFIX)) return fail("not a proxy subsystem");
  const rest = name.slice(PROXY_SUBSYSTEM_PREFIX.length);
  const at = rest.lastIndexOf("@");
  const cluster = at >= 0 && at < rest.length - 1 ? rest.slice(at + 1) : undefined;
  const hostPort = at >= 0 ? rest.slice(0, at) : rest;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(hostPort);
  let host: string;
  let portText: string | undefined;
  if (bracketed) {
    host = bracketed[1] ?? "";
    portText = bracketed[2];
  } else if (hostPort.split(":").length === 2) {
    [host = "", portText] = hostPort.split(":");
  } else {
    // No colon, or several: a bare IPv6 address without a port.
    host = hostPort;
  }
  if (host === "") return fail("no host");
  const port = portText === undefined ? undefined : parsePort(portText);
  if (port instanceof Error) return fail(port.message);
  return { ok: true, request: { host, port, cluster } };
}

function registeredAddr(node: NodeRecord): { host: string; port: number } | undefined {
  try {
    return splitAddr(node.addr);
  } catch {
    return undefined;
  }
}

/** "node-1.CLUSTER" names node-1, so OpenSSH `Host *.CLUSTER` aliases work. */
function withoutClusterSuffix(host: string, clusterName: string): string {
  const suffix = `.${clusterName}`.toLowerCase();
  const lower = host.toLowerCase();
  return lower.endsWith(suffix) && lower.length > suffix.length
    ? host.slice(0, host.length - suffix.length)
    : host;
}

/**
 * The node `request` names among `nodes`. A name or host id wins over an address. The port only
 * picks among several matches: OpenSSH sends port 22 unless told otherwise, which is rarely the
 * port a node listens on.
 */
export function resolveTarget(
  nodes: readonly NodeRecord[],
  request: TargetRequest,
  clusterName: string,
): Resolution {
  if (request.cluster !== undefined && request.cluster !== clusterName) {
    return {
      ok: false,
      notFound: false,
      message: `cluster "${request.cluster}" not found: this proxy serves cluster "${clusterName}"`,
    };
  }
  const host = withoutClusterSuffix(request.host, clusterName);
  const lower = host.toLowerCase();
  const listed = nodes.flatMap((node) => {
    const addr = registeredAddr(node);
    return addr === undefined ? [] : [{ node, addr }];
  });
  const byName = listed.filter(
    ({ node }) => node.hostId === host || node.hostname.toLowerCase() === lower,
  );
  let matches = byName.length > 0 ? byName : listed.filter(({ addr }) => addr.host === host);
  const onPort = matches.filter(({ addr }) => addr.port === request.port);
  if (onPort.length > 0) matches = onPort;
  const [first, ...others] = matches;
  if (first === undefined) {
    return {
      ok: false,
      notFound: true,
      message:
        `node "${request.host}" not found in cluster "${clusterName}": ` +
        "tsh ls lists the nodes you can reach",
    };
  }
  if (others.length > 0) {
    const ids = matches.map(({ node }) => `${node.hostId} at ${node.addr}`).join(", ");
    return {
      ok: false,
      notFound: false,
      message:
        `"${request.host}" names ${matches.length} nodes in cluster "${clusterName}" (${ids}): ` +
        "name one by its host id",
    };
  }
  return { ok: true, node: first.node, addr: first.addr };
}
