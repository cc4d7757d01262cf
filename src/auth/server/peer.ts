// Who is calling: the identity in the client's TLS certificate, verified against the cluster's
// TLS CA during the handshake (CN = user or host id, O = roles; Teleport's encoding).
import { X509Certificate } from "node:crypto";
import type { TLSSocket } from "node:tls";
import { SYSTEM_ROLES, type SystemRole } from "../api/index.js";
import { readTlsIdentity } from "../ca/index.js";

export type Identity =
  /** A cluster component: this host's admin (tctl), a node, a proxy. */
  | { kind: "builtin"; role: SystemRole; name: string }
  /** A person, with the names of the roles their certificate lists. */
  | { kind: "user"; name: string; roleNames: string[] };

export type PeerResult =
  { ok: true; identity: Identity | undefined } | { ok: false; message: string };

const REISSUE =
  "log in again (tsh login), make a new identity file (tctl auth sign), or on the auth server " +
  "restart teleport to renew admin.identity";

function refusal(code: string): string {
  switch (code) {
    case "CERT_HAS_EXPIRED":
      return `the client certificate has expired: ${REISSUE}`;
    case "CERT_NOT_YET_VALID":
      return "the client certificate is not valid yet: check this machine's clock and the client's";
    default:
      return (
        `the client certificate is not issued by this cluster's certificate authority (${code}): ` +
        "use an identity made by this cluster"
      );
  }
}

/** Builtin identities have exactly one O, a system role; user certificates never carry one. */
export function identityOf(certificate: X509Certificate): Identity {
  const { commonName, organization } = readTlsIdentity(certificate);
  const [only] = organization;
  const role = SYSTEM_ROLES.find((name) => name === only);
  if (organization.length === 1 && role !== undefined) {
    return { kind: "builtin", role, name: commonName };
  }
  return { kind: "user", name: commonName, roleNames: organization };
}

export function peerIdentity(socket: TLSSocket): PeerResult {
  const peer = socket.getPeerCertificate();
  // An object without raw: the client sent no certificate (allowed only where a route says so).
  if (peer === null || peer.raw === undefined) return { ok: true, identity: undefined };
  if (!socket.authorized) {
    const code = String(socket.authorizationError ?? "UNKNOWN");
    return { ok: false, message: refusal(code) };
  }
  const identity = identityOf(new X509Certificate(peer.raw));
  if (identity.name === "") {
    return { ok: false, message: "the client certificate has no common name (CN)" };
  }
  return { ok: true, identity };
}

/** "user:alice", "Node:<host id>": how logs name the caller. */
export function describeIdentity(identity: Identity | undefined): string {
  if (identity === undefined) return "-";
  return identity.kind === "user" ? `user:${identity.name}` : `${identity.role}:${identity.name}`;
}
