// The "source-address" critical option: a comma-separated list of addresses and CIDR blocks the
// certificate may be used from (sshd's semantics, via net.BlockList).

import { BlockList, isIP } from "node:net";

/** A client address as sockets report it; IPv4-mapped IPv6 ("::ffff:1.2.3.4") counts as IPv4. */
function normalize(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped?.[1] ?? address;
}

/**
 * Whether `clientAddress` is allowed by the option's value. Returns an error message when the
 * value itself is malformed (such a certificate must be refused, as sshd does).
 */
export function sourceAddressAllows(
  value: string,
  clientAddress: string,
): { allowed: boolean; error?: string } {
  const list = new BlockList();
  for (const entry of value.split(",")) {
    const [address = "", prefix, extra] = entry.trim().split("/");
    const family = isIP(address);
    const bits = prefix === undefined ? undefined : Number(prefix);
    const max = family === 4 ? 32 : 128;
    if (
      family === 0 ||
      extra !== undefined ||
      (bits !== undefined && (!/^\d+$/.test(prefix ?? "") || bits > max))
    ) {
      return { allowed: false, error: `malformed source-address entry "${entry}"` };
    }
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, bits, type);
  }
  const client = normalize(clientAddress);
  const family = isIP(client);
  if (family === 0)
    return { allowed: false, error: `client address "${clientAddress}" is not an IP` };
  return { allowed: list.check(client, family === 4 ? "ipv4" : "ipv6") };
}
