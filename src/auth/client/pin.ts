// Trusting an auth server by CA pin, before the client has the CA certificate (a node joining):
// the server sends its certificate and the CA; the CA's key hash must equal a pin and the
// certificate must be issued by it for the auth server's name, and be valid now.
import { X509Certificate } from "node:crypto";
import type { DetailedPeerCertificate, TLSSocket } from "node:tls";
import { AUTH_SERVER_NAME } from "../api/index.js";
import { caPin, readTlsIdentity } from "../ca/index.js";

/** The O every auth server certificate carries; node and proxy certificates of the CA do not. */
export const AUTH_SERVER_ORGANIZATION = "Auth";

/** undefined when `leaf` (already trusted by CA and name) is an auth server's; otherwise why not. */
export function checkAuthServerLeaf(leaf: X509Certificate): string | undefined {
  const { organization } = readTlsIdentity(leaf);
  if (!organization.includes(AUTH_SERVER_ORGANIZATION)) {
    return `its certificate's organization (${organization.join(", ") || "none"}) does not include ${AUTH_SERVER_ORGANIZATION}: it is not an auth server`;
  }
  return undefined;
}

/** The certificates the server sent, leaf first. */
function chainOf(socket: TLSSocket): X509Certificate[] {
  const chain: X509Certificate[] = [];
  const seen = new Set<string>();
  let current: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (current?.raw !== undefined && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    chain.push(new X509Certificate(current.raw));
    current = current.issuerCertificate;
  }
  return chain;
}

/** undefined when the server is trusted; otherwise why not. */
export function checkPinnedServer(
  socket: TLSSocket,
  pins: readonly string[],
  now: Date,
): string | undefined {
  const [leaf, ...rest] = chainOf(socket);
  if (leaf === undefined) return "the server sent no certificate";
  const wanted = new Set(pins.map((pin) => pin.toLowerCase()));
  const cas = rest.filter((cert) => cert.ca);
  const pinned = cas.find((ca) => wanted.has(caPin(ca.toString())));
  if (pinned === undefined) {
    const found = cas.map((ca) => caPin(ca.toString())).join(", ") || "none sent";
    return `its CA does not match the CA pin (the server's CA: ${found}; expected ${pins.join(", ")}): check ca_pin, tctl status on the auth server prints it`;
  }
  if (!leaf.checkIssued(pinned) || !leaf.verify(pinned.publicKey)) {
    return "its certificate is not issued by the pinned CA";
  }
  if (now < new Date(leaf.validFrom) || now > new Date(leaf.validTo)) {
    return `its certificate is not valid now (valid ${leaf.validFrom} to ${leaf.validTo})`;
  }
  if (leaf.checkHost(AUTH_SERVER_NAME) === undefined) {
    return `its certificate is not for ${AUTH_SERVER_NAME}: it is not an auth server`;
  }
  return checkAuthServerLeaf(leaf);
}
