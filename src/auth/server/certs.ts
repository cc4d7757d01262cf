// Issuing identities: a user's SSH and TLS certificates (login, tctl auth sign) and a joining
// host's (node or proxy). What the certificates say is decided here, in one place.
import { randomUUID } from "node:crypto";
import { isIP } from "node:net";
import { AUTH_SERVER_NAME, isSystemRoleName, type SystemRole } from "../api/index.js";
import {
  DEFAULT_USER_EXTENSIONS,
  formatAuthorizedKeysCaLine,
  formatKnownHostsCaLine,
  issueTlsCertificate,
  signSshCertificate,
  type ClusterCas,
} from "../ca/index.js";
import { loginsFor, maxSessionTtl, type Role } from "../roles/index.js";
import type { User } from "../users/index.js";
import { accessDenied, badRequest } from "./errors.js";
import { sshPublicKeyOf, tlsPublicKeyOf } from "./keys.js";

/** SSH certificates start this much before now, for peers whose clocks are a little behind. */
const SSH_BACKDATE_MS = 60_000;
/** Certificates end this long before their CA does, so none outlives it. */
const CA_MARGIN_MS = 60_000;

/** Teleport's principal for a certificate with no login: it can never match a Unix account. */
export function noLoginPrincipal(): string {
  return `-teleport-nologin-${randomUUID()}`;
}

export function sshHostCaLines(cas: ClusterCas): string[] {
  return [
    formatKnownHostsCaLine({
      clusterName: cas.clusterName,
      caPublicKey: cas.hostCa.ssh.authorizedKey,
    }),
  ];
}

export function sshUserCaLines(cas: ClusterCas): string[] {
  return [formatAuthorizedKeysCaLine(cas.clusterName, cas.userCa.ssh.authorizedKey)];
}

function caRemaining(cas: ClusterCas, now: Date): number {
  return new Date(cas.tlsCa.certificate.validTo).getTime() - now.getTime() - CA_MARGIN_MS;
}

export interface UserCertsRequest {
  user: User;
  /** The user's roles that exist. */
  roles: readonly Role[];
  sshPublicKey: string;
  tlsPublicKey: string;
  /** Milliseconds asked for; capped by the roles' max_session_ttl. */
  ttl: number;
  now: Date;
}

export interface IssuedUserCerts {
  sshCertificate: string;
  tlsCertificate: string;
  tlsCaCertificates: string[];
  sshHostCaLines: string[];
  user: string;
  roles: string[];
  logins: string[];
  validBefore: string;
}

export async function issueUserCerts(
  cas: ClusterCas,
  request: UserCertsRequest,
): Promise<IssuedUserCerts> {
  const { user, roles, now } = request;
  // A user role spelled like a system role would read as that system identity in TLS.
  const reserved = user.roles.filter(isSystemRoleName);
  if (reserved.length > 0) {
    throw accessDenied(
      `user "${user.name}" holds ${reserved.join(", ")}, reserved for cluster components: ` +
        "give them other roles",
    );
  }
  if (roles.length === 0) {
    throw accessDenied(
      `user "${user.name}" has no roles that exist (${user.roles.join(", ") || "none"}): ` +
        "give them one, such as access (tctl users rm, then tctl users add --roles=access)",
    );
  }
  const sshKey = sshPublicKeyOf(request.sshPublicKey);
  const tlsKey = tlsPublicKeyOf(request.tlsPublicKey);
  const ttl = Math.min(request.ttl, maxSessionTtl(roles), caRemaining(cas, now));
  const validBefore = new Date(now.getTime() + ttl);
  const logins = loginsFor(roles, user);
  const roleNames = roles.map((role) => role.metadata.name);
  const ssh = signSshCertificate({
    caPrivateKey: cas.userCa.ssh.privateKey,
    publicKey: sshKey,
    type: "user",
    keyId: user.name,
    principals: logins.length > 0 ? logins : [noLoginPrincipal()],
    validAfter: new Date(now.getTime() - SSH_BACKDATE_MS),
    validBefore,
    // Teleport's extensions: nodes read the user's roles and traits from them.
    extensions: {
      ...DEFAULT_USER_EXTENSIONS,
      "teleport-roles": JSON.stringify({ version: "v1", roles: roleNames }),
      "teleport-traits": JSON.stringify(user.traits),
    },
  });
  const tls = await issueTlsCertificate({
    ca: cas.tlsCa,
    subjectPublicKey: tlsKey,
    commonName: user.name,
    organization: roleNames,
    usage: "client",
    validFor: ttl,
    now,
  });
  return {
    sshCertificate: ssh.line,
    tlsCertificate: tls.certPem,
    tlsCaCertificates: [cas.tlsCa.certPem],
    sshHostCaLines: sshHostCaLines(cas),
    user: user.name,
    roles: roleNames,
    logins,
    validBefore: validBefore.toISOString(),
  };
}

export interface HostCertsRequest {
  hostId: string;
  hostname: string;
  role: Extract<SystemRole, "Node" | "Proxy">;
  /** "host:port" the server listens on; its host becomes a principal when specific. */
  addr?: string;
  sshPublicKey: string;
  tlsPublicKey: string;
  now: Date;
}

/** The host part of "host:port" / "[v6]:port" / "host"; undefined for wildcards. */
export function specificHost(addr: string | undefined): string | undefined {
  if (addr === undefined || addr.trim() === "") return undefined;
  const text = addr.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  const host = bracketed?.[1] ?? (text.split(":").length === 2 ? text.split(":")[0] : text);
  if (host === undefined || host === "" || host === "0.0.0.0" || host === "::") return undefined;
  return host;
}

const DNS_NAME = /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
const unique = (values: readonly string[]): string[] => [...new Set(values)];

/** A name a host certificate must never carry: the auth server's, under it, or a wildcard. */
function reservedHostName(name: string): string | undefined {
  const lower = name.toLowerCase().replace(/\.$/, "");
  if (lower.includes("*")) return "wildcards are not allowed";
  if (lower === AUTH_SERVER_NAME || lower.endsWith(`.${AUTH_SERVER_NAME}`)) {
    return `${AUTH_SERVER_NAME} and names under it are reserved for the auth server`;
  }
  return undefined;
}

/** 400 naming `field` when `name` is reserved (see reservedHostName). */
export function checkHostName(field: string, name: string | undefined): void {
  if (name === undefined) return;
  const why = reservedHostName(name);
  if (why !== undefined) {
    throw badRequest(`field "${field}": ${JSON.stringify(name)} cannot be used: ${why}`);
  }
}

export async function issueHostCerts(
  cas: ClusterCas,
  request: HostCertsRequest,
): Promise<{ sshCertificate: string; tlsCertificate: string }> {
  const { hostId, hostname, now } = request;
  const cluster = cas.clusterName;
  const sshKey = sshPublicKeyOf(request.sshPublicKey);
  const tlsKey = tlsPublicKeyOf(request.tlsPublicKey);
  checkHostName("hostname", hostname);
  const addrHost = specificHost(request.addr);
  checkHostName("addr", addrHost);
  const names = unique([
    hostId,
    hostname,
    `${hostId}.${cluster}`,
    `${hostname}.${cluster}`,
    ...(addrHost === undefined ? [] : [addrHost]),
    "localhost",
    "127.0.0.1",
    "::1",
  ]);
  // The cluster name joined to a host name could still spell a reserved name.
  for (const name of names) checkHostName("hostname", name);
  // Host identities live as long as the CA: Teleport renews them only when the CA rotates.
  const validFor = caRemaining(cas, now);
  const ssh = signSshCertificate({
    caPrivateKey: cas.hostCa.ssh.privateKey,
    publicKey: sshKey,
    type: "host",
    keyId: hostId,
    principals: names,
    validAfter: new Date(now.getTime() - SSH_BACKDATE_MS),
    validBefore: new Date(now.getTime() + validFor),
  });
  const tls = await issueTlsCertificate({
    ca: cas.tlsCa,
    subjectPublicKey: tlsKey,
    commonName: hostId,
    organization: [request.role],
    dnsNames: names.filter((name) => isIP(name) === 0 && DNS_NAME.test(name)),
    ipAddresses: names.filter((name) => isIP(name) !== 0),
    // Nodes and proxies only dial the auth server with it; none serves TLS with it, so it must
    // not pass as a server certificate of this CA (the auth server's, above all).
    usage: "client",
    validFor,
    now,
  });
  return { sshCertificate: ssh.line, tlsCertificate: tls.certPem };
}
