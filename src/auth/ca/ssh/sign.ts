// Issuing OpenSSH certificates with an Ed25519 CA key.

import { randomBytes, sign, type KeyObject } from "node:crypto";
import { SshSigningError } from "../errors.js";
import {
  encodeCertificateBody,
  encodeSignature,
  parseSshCertificate,
  SSH_ED25519_CERT,
  sshTimeFromDate,
  type SshCertificate,
  type SshCertOptions,
  type SshCertType,
} from "./certificate.js";
import { formatSshKeyLine, toSshPublicKey } from "./public-key.js";
import { SshWriter } from "./wire.js";

/** What Teleport grants every user certificate (and ssh-keygen's defaults for -s). */
export const DEFAULT_USER_EXTENSIONS: SshCertOptions = Object.freeze({
  "permit-X11-forwarding": "",
  "permit-agent-forwarding": "",
  "permit-port-forwarding": "",
  "permit-pty": "",
  "permit-user-rc": "",
});

export interface SignSshCertificateParams {
  /** The CA's Ed25519 private key (user CA for user certs, host CA for host certs). */
  caPrivateKey: KeyObject;
  /** The subject's public key: a KeyObject or an authorized_keys line. */
  publicKey: KeyObject | string;
  type: SshCertType;
  /** Who the certificate is for (Teleport: the user name or host id); logged by sshd. */
  keyId: string;
  /** Logins (user certs) or host names (host certs) the certificate is valid for. */
  principals: readonly string[];
  validAfter: Date;
  validBefore: Date;
  /** Default: a random 64-bit serial, so revocation lists can name one certificate. */
  serial?: bigint;
  /** Default: DEFAULT_USER_EXTENSIONS for user certificates, none for host certificates. */
  extensions?: SshCertOptions;
  /** E.g. { "force-command": "...", "source-address": "10.0.0.0/8" }. Default: none. */
  criticalOptions?: SshCertOptions;
}

export interface SignedSshCertificate {
  /** "ssh-ed25519-cert-v01@openssh.com AAAA… keyId", as in a *-cert.pub file. */
  line: string;
  blob: Buffer;
  certificate: SshCertificate;
}

// Control characters would let a key id or principal break out of a *-cert.pub line, an
// identity file or sshd's log line.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function checkParams(p: SignSshCertificateParams): void {
  if (p.keyId === "") throw new SshSigningError("keyId must not be empty");
  for (const text of [p.keyId, ...p.principals]) {
    if (CONTROL.test(text)) {
      throw new SshSigningError(`${JSON.stringify(text)}: control characters are not allowed`);
    }
  }
  // OpenSSH treats an empty principal list as "any principal" in some paths: never issue one.
  if (p.principals.length === 0) {
    throw new SshSigningError(
      `refusing to sign ${p.type} certificate "${p.keyId}" without principals: ` +
        "it would be valid for every login or host name",
    );
  }
  if (p.principals.some((x) => x === "")) {
    throw new SshSigningError(`certificate "${p.keyId}" has an empty principal`);
  }
  if (!(p.validBefore.getTime() > p.validAfter.getTime())) {
    throw new SshSigningError(
      `certificate "${p.keyId}": validBefore (${p.validBefore.toISOString()}) must be after ` +
        `validAfter (${p.validAfter.toISOString()})`,
    );
  }
  for (const name of [
    ...Object.keys(p.extensions ?? {}),
    ...Object.keys(p.criticalOptions ?? {}),
  ]) {
    if (name === "") throw new SshSigningError(`certificate "${p.keyId}" has an unnamed option`);
  }
}

function randomSerial(): bigint {
  return randomBytes(8).readBigUInt64BE();
}

/** Signs an OpenSSH certificate for `publicKey` with the CA key. */
export function signSshCertificate(params: SignSshCertificateParams): SignedSshCertificate {
  checkParams(params);
  const { caPrivateKey } = params;
  if (caPrivateKey.type !== "private") throw new TypeError("caPrivateKey must be a private key");
  const body = encodeCertificateBody({
    nonce: randomBytes(32),
    publicKey: toSshPublicKey(params.publicKey),
    serial: params.serial ?? randomSerial(),
    type: params.type,
    keyId: params.keyId,
    principals: params.principals,
    validAfter: sshTimeFromDate(params.validAfter),
    validBefore: sshTimeFromDate(params.validBefore),
    criticalOptions: params.criticalOptions ?? {},
    extensions: params.extensions ?? (params.type === "user" ? DEFAULT_USER_EXTENSIONS : {}),
    reserved: Buffer.alloc(0),
    signatureKey: caPrivateKey,
  });
  // Ed25519 signs the message itself: no digest algorithm (hence null).
  const signature = sign(null, body, caPrivateKey);
  const blob = new SshWriter().raw(body).string(encodeSignature(signature)).toBuffer();
  // Parsing back what we made checks the encoding end to end and gives the typed fields.
  const certificate = parseSshCertificate(blob);
  return { line: formatSshKeyLine(SSH_ED25519_CERT, blob, params.keyId), blob, certificate };
}
