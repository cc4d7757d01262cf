// A network namespace joined to this one by a veth pair: a host of its own (own ports, own
// address) for a node, reachable from the test's namespace and reaching it.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";

export interface NetNamespace {
  name: string;
  /** This (the test's) side of the veth pair. */
  hostIp: string;
  /** The namespace's side. */
  nsIp: string;
  /**
   * argv prefix that runs a program inside the namespace (nsenter, not `ip netns exec`, which
   * also mounts a fresh /sys and so hides the host's cgroup mounts).
   */
  exec: string[];
  /** Deletes the namespace (its veth end goes with it, and so the pair). */
  remove(): void;
}

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}

function usedSubnets(): Set<string> {
  const text = execFileSync("ip", ["-4", "-o", "addr"], { encoding: "utf8" });
  return new Set([...text.matchAll(/inet 10\.(\d+)\.(\d+)\./g)].map((m) => `${m[1]}.${m[2]}`));
}

/** Creates `tt-<random>` with addresses 10.X.Y.1 (here) and 10.X.Y.2 (there) on a /30. */
export function createNetNamespace(): NetNamespace {
  const id = randomBytes(3).toString("hex");
  const name = `tt-${id}`;
  const used = usedSubnets();
  let subnet = "";
  do {
    subnet = `${200 + ((randomBytes(1)[0] ?? 0) % 50)}.${randomBytes(1)[0] ?? 0}`;
  } while (used.has(subnet));
  const hostIp = `10.${subnet}.1`;
  const nsIp = `10.${subnet}.2`;
  const hostEnd = `vh-${id}`;
  const nsEnd = `vn-${id}`;
  ip("netns", "add", name);
  const remove = (): void => {
    try {
      ip("netns", "del", name);
    } catch {
      // Already gone.
    }
  };
  try {
    ip("link", "add", hostEnd, "type", "veth", "peer", "name", nsEnd);
    ip("link", "set", nsEnd, "netns", name);
    ip("addr", "add", `${hostIp}/30`, "dev", hostEnd);
    ip("link", "set", hostEnd, "up");
    ip("-n", name, "addr", "add", `${nsIp}/30`, "dev", nsEnd);
    ip("-n", name, "link", "set", nsEnd, "up");
    ip("-n", name, "link", "set", "lo", "up");
  } catch (error) {
    remove();
    try {
      ip("link", "del", hostEnd);
    } catch {
      // Never created, or gone with the namespace.
    }
    throw error;
  }
  return { name, hostIp, nsIp, exec: ["nsenter", `--net=/run/netns/${name}`, "--"], remove };
}
