// A user's credentials as tsh uses them, wherever they were stored (a profile under ~/.tsh or an
// identity file from tctl auth sign): one key for SSH and TLS, the SSH and TLS certificates, and
// the cluster's CAs; plus what the certificates say (user, roles, logins, expiry, cluster).
import type { KeyObject } from "node:crypto";
import {
  CaError,
  certificateFromPem,
  encodeSshPublicKey,
  keyMatchesCertificate,
  parseKnownHostsCaLine,
  parseSshCertificate,
  privateKeyToPem,
  readTlsIdentity,
} from "../auth/ca/index.js";
import type { ClientIdentity } from "../auth/index.js";
import { ClientError } from "./errors.js";
import { formatGoTime } from "./time.js";

export interface CredentialParts {
  privateKey: KeyObject;
  /** "ssh-ed25519-cert-v01@openssh.com AAAA…" */
  sshCertificate: string;
  tlsCertificatePem: string;
  tlsCaPems: readonly string[];
  /** "@cert-authority HOSTS KEY" lines of the cluster's host CA. */
  sshHostCaLines: readonly string[];
}

export interface Credentials extends CredentialParts {
  user: string;
  roles: string[];
  /** The certificate's principals: the host logins the user may use. */
  logins: string[];
  cluster: string;
  /** The earlier end of the two certificates. */
  validBefore: Date;
  hostCaKeys: KeyObject[];
  /** Where they came from, for messages: "the profile in /root/.tsh", "identity file /x". */
  source: string;
  kind: "profile" | "identity-file";
}

/** Teleport's principal for a user without logins: never a real login, so not shown. */
const NO_LOGIN_PREFIX = "-teleport-nologin-";

function damaged(source: string, what: string, why: string): ClientError {
  return new ClientError(`${source}: ${what} cannot be used (${why}): run tsh login again`);
}

/** Reads what the certificates say; throws ClientError naming the part that is damaged. */
export function readCredentials(
  parts: CredentialParts,
  source: string,
  kind: Credentials["kind"],
): Credentials {
  const read = <T>(what: string, parse: () => T): T => {
    try {
      return parse();
    } catch (error) {
      if (error instanceof CaError) throw damaged(source, what, error.message);
      throw error;
    }
  };
  const ssh = read("the SSH certificate", () => parseSshCertificate(parts.sshCertificate));
  const tls = read("the TLS certificate", () => certificateFromPem(parts.tlsCertificatePem));
  const [caPem] = parts.tlsCaPems;
  if (caPem === undefined) throw damaged(source, "the TLS CA", "there is no CA certificate");
  const ca = read("the TLS CA certificate", () => certificateFromPem(caPem));
  if (!encodeSshPublicKey(ssh.publicKey).equals(encodeSshPublicKey(parts.privateKey))) {
    throw damaged(source, "the SSH certificate", "it is for another key");
  }
  if (!keyMatchesCertificate(parts.privateKey, tls)) {
    throw damaged(source, "the TLS certificate", "it is for another key");
  }
  const hostCaKeys = read("the host CA", () =>
    parts.sshHostCaLines.map((line) => parseKnownHostsCaLine(line).caPublicKey),
  );
  const sshEnd = Number(ssh.validBefore) * 1000;
  const tlsEnd = new Date(tls.validTo).getTime();
  return {
    ...parts,
    user: ssh.keyId,
    roles: readTlsIdentity(tls).organization,
    logins: ssh.principals.filter((login) => !login.startsWith(NO_LOGIN_PREFIX)),
    cluster: readTlsIdentity(ca).commonName,
    validBefore: new Date(Math.min(sshEnd, tlsEnd)),
    hostCaKeys,
    source,
    kind,
  };
}

function isExpired(credentials: Credentials, now: Date): boolean {
  return now.getTime() >= credentials.validBefore.getTime();
}

/** Throws the error tsh prints when the certificates are no longer valid. */
export function assertNotExpired(credentials: Credentials, now: Date = new Date()): void {
  if (!isExpired(credentials, now)) return;
  const when = formatGoTime(credentials.validBefore);
  const what = `the certificates of ${credentials.user} (${credentials.source}) expired at ${when}`;
  throw new ClientError(
    credentials.kind === "profile"
      ? `${what}: run tsh login again`
      : `${what}: run tsh login again, or make a new identity file with tctl auth sign`,
  );
}

/** The mutual-TLS identity for the auth API (reached through the proxy's web port). */
export function tlsIdentity(credentials: CredentialParts): ClientIdentity {
  return {
    keyPem: privateKeyToPem(credentials.privateKey),
    certPem: credentials.tlsCertificatePem,
    caPems: credentials.tlsCaPems,
  };
}
