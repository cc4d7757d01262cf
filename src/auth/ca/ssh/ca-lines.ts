// How OpenSSH is told to trust a CA: "@cert-authority HOSTS KEY" in known_hosts (host CA, for
// clients) and "cert-authority KEY" in authorized_keys (user CA, for sshd). Teleport's shapes.

import type { KeyObject } from "node:crypto";
import { SshFormatError } from "../errors.js";
import { formatAuthorizedKey, parseAuthorizedKey, toSshPublicKey } from "./public-key.js";

export interface KnownHostsCaParams {
  clusterName: string;
  /** The proxy's host name, trusted as well when given. */
  proxyHost?: string;
  caPublicKey: KeyObject | string;
}

/** "@cert-authority [proxy,]cluster,*.cluster ssh-ed25519 AAAA… type=host" */
export function formatKnownHostsCaLine({
  clusterName,
  proxyHost,
  caPublicKey,
}: KnownHostsCaParams): string {
  if (clusterName === "" || /[\s,]/.test(clusterName) || /[\s,]/.test(proxyHost ?? "")) {
    throw new TypeError(`cluster and proxy names must be non-empty, without spaces or commas`);
  }
  const hosts = [...(proxyHost ? [proxyHost] : []), clusterName, `*.${clusterName}`];
  const key = formatAuthorizedKey(toSshPublicKey(caPublicKey));
  return `@cert-authority ${hosts.join(",")} ${key} type=host`;
}

/** The host patterns and CA key of an "@cert-authority" known_hosts line. */
export function parseKnownHostsCaLine(line: string): { hosts: string[]; caPublicKey: KeyObject } {
  const match = /^@cert-authority\s+(\S+)\s+(\S+\s+\S+)/.exec(line.trim());
  if (!match?.[1] || !match[2]) {
    throw new SshFormatError(
      "known_hosts CA line",
      'expected "@cert-authority HOSTS TYPE KEY [comment]"',
    );
  }
  return { hosts: match[1].split(","), caPublicKey: parseAuthorizedKey(match[2]) };
}

/** "cert-authority ssh-ed25519 AAAA… clustername=…&type=user", for sshd's authorized_keys. */
export function formatAuthorizedKeysCaLine(
  clusterName: string,
  caPublicKey: KeyObject | string,
): string {
  const comment = new URLSearchParams({ clustername: clusterName, type: "user" }).toString();
  return `cert-authority ${formatAuthorizedKey(toSshPublicKey(caPublicKey))} ${comment}`;
}
