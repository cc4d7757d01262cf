// The SSH client side: logging in with a user certificate and trusting a host by its host
// certificate, as options for ssh2's Client.connect().

import type { KeyObject } from "node:crypto";
import type { ConnectConfig } from "ssh2";
import { verifySshCertificate, type SshCertificateRejection } from "../auth/ca/index.js";
import { certifiedKey, type SshCertificateInput, type SshPrivateKeyInput } from "./keys.js";
import { HOST_CERTIFICATE_ALGORITHMS } from "./ssh2-options.js";

export interface UserCertificateAuthParams {
  /** The login on the remote host: must be a principal of the certificate. */
  username: string;
  privateKey: SshPrivateKeyInput;
  /** The user certificate for privateKey, signed by the user CA. */
  certificate: SshCertificateInput;
}

export type UserCertificateConnectConfig = Required<
  Pick<ConnectConfig, "username" | "privateKey" | "certificate">
>;

/**
 * Connect options that make the patched ssh2 client offer the certificate
 * (ssh-ed25519-cert-v01@openssh.com) and sign with the key; spread them into connect().
 */
export function userCertificateAuth(
  params: UserCertificateAuthParams,
): UserCertificateConnectConfig {
  const { opensshPrivateKey, certificate } = certifiedKey(
    params.privateKey,
    params.certificate,
    "user",
  );
  return {
    username: params.username,
    privateKey: opensshPrivateKey,
    certificate: certificate.blob,
  };
}

export interface HostCertificateRejection {
  reason: SshCertificateRejection;
  message: string;
}

export interface HostCertificateVerifierOptions {
  /** Trusted host CA keys (several during a rotation). */
  hostCaKeys: readonly (KeyObject | string)[];
  /** The name the client dialled (node id or host name): must be a principal of the certificate. */
  hostname: string;
  /** Default: the current time at each handshake. */
  now?: () => Date;
  /** Told why a host was refused; ssh2 itself reports only "Host denied (verification failed)". */
  onReject?: (rejection: HostCertificateRejection) => void;
}

export type HostCertificateConnectConfig = Required<
  Pick<ConnectConfig, "hostVerifier" | "algorithms">
>;

/**
 * Connect options that accept a server only by a host certificate from a trusted host CA,
 * valid now and naming `hostname`. Only the certificate algorithm is offered, so a server
 * without a certificate fails the handshake instead of falling back to an unchecked plain key.
 * Spreading this replaces any other `algorithms` option: merge them by hand if needed.
 */
export function hostCertificateVerifier(
  options: HostCertificateVerifierOptions,
): HostCertificateConnectConfig {
  return {
    algorithms: { serverHostKey: [...HOST_CERTIFICATE_ALGORITHMS] },
    // Without hostHash, ssh2 passes the raw host key blob: the certificate.
    hostVerifier: (key: Buffer): boolean => {
      const check = verifySshCertificate(key, {
        caPublicKeys: options.hostCaKeys,
        now: options.now?.() ?? new Date(),
        type: "host",
        principal: options.hostname,
      });
      if (!check.ok) options.onReject?.({ reason: check.reason, message: check.message });
      return check.ok;
    },
  };
}
