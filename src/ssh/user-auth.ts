// The SSH server side of user certificates: deciding a "publickey" attempt that ssh2 hands to
// the server's "authentication" handler. ssh2 checks nothing itself: with a signature present
// it only extracts it, so both the certificate and the signature are checked here.

import { verify, type KeyObject } from "node:crypto";
import {
  SSH_ED25519_CERT,
  verifySshCertificate,
  type SshCertificate,
  type SshCertificateRejection,
} from "../auth/ca/index.js";

/**
 * The parts of ssh2's PublicKeyAuthContext read here (ctx fits as is). With the patch, a
 * certificate arrives as key.algo "ssh-ed25519-cert-v01@openssh.com" with the certificate blob
 * in key.data, and the signature unwrapped to the raw 64 bytes like for plain keys.
 */
export interface PublicKeyAttempt {
  username: string;
  key: { algo: string; data: Buffer };
  /** Absent when the client only asks whether the key would do (then accept() sends PK_OK). */
  signature?: Buffer;
  /** What the signature covers: session id + the request (built by ssh2 from the packet). */
  blob?: Buffer;
}

export type UserCertificateRejection =
  SshCertificateRejection | "not-a-certificate" | "bad-session-signature";

export type UserCertificateDecision =
  | {
      ok: true;
      certificate: SshCertificate;
      /** False for the query before the signed attempt: accept() then only answers PK_OK. */
      signed: boolean;
    }
  | { ok: false; reason: UserCertificateRejection; message: string };

/** The user CA keys of a host identity's authorized_keys lines ("cert-authority TYPE KEY …"). */
export function userCaKeys(lines: readonly string[]): string[] {
  return lines.flatMap((line) => {
    const match = /^cert-authority\s+(\S+\s+\S+)/.exec(line.trim());
    return match?.[1] === undefined ? [] : [match[1]];
  });
}

export interface UserCertificateAuthOptions {
  /** Trusted user CA keys (several during a rotation). */
  userCaKeys: readonly (KeyObject | string)[];
  /** Default: the current time at each attempt. */
  now?: () => Date;
  /** The client's IP, to honour a certificate's source-address option. */
  clientAddress?: string;
}

/**
 * Whether to accept a publickey attempt: only user certificates from a trusted user CA, valid
 * now, listing the requested login as a principal, and (for the signed attempt) a signature by
 * the certificate's own key over this session. The caller still decides roles and then calls
 * ctx.accept() or ctx.reject(["publickey"]).
 */
export function checkUserCertificate(
  attempt: PublicKeyAttempt,
  options: UserCertificateAuthOptions,
): UserCertificateDecision {
  const { algo, data } = attempt.key;
  if (algo !== SSH_ED25519_CERT) {
    return {
      ok: false,
      reason: "not-a-certificate",
      message: `key type "${algo}" refused: only ${SSH_ED25519_CERT} user certificates are accepted`,
    };
  }
  const check = verifySshCertificate(data, {
    caPublicKeys: options.userCaKeys,
    now: options.now?.() ?? new Date(),
    type: "user",
    principal: attempt.username,
    clientAddress: options.clientAddress,
  });
  if (!check.ok) return check;
  const { certificate } = check;
  if (attempt.signature === undefined) return { ok: true, certificate, signed: false };

  if (
    attempt.blob === undefined ||
    !signedBy(certificate.publicKey, attempt.blob, attempt.signature)
  ) {
    return {
      ok: false,
      reason: "bad-session-signature",
      message:
        `certificate ${JSON.stringify(certificate.keyId)} (serial ${certificate.serial}): ` +
        "the session signature does not verify with the certificate's key",
    };
  }
  return { ok: true, certificate, signed: true };
}

function signedBy(key: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    // Ed25519 signs the message itself (no digest, hence null).
    return verify(null, data, key, signature);
  } catch {
    // A signature of the wrong size makes node:crypto throw rather than return false.
    return false;
  }
}
