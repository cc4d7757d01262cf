// The SSH server side of host certificates: a host key entry for ssh2's Server that presents
// the certificate signed by the cluster's host CA, as Teleport nodes do.

import type { EncryptedPrivateKey } from "ssh2";
import { certifiedKey, type SshCertificateInput, type SshPrivateKeyInput } from "./keys.js";

export interface HostKeyWithCertificate extends EncryptedPrivateKey {
  key: string;
  certificate: Buffer;
}

export interface HostKeyWithCertificateParams {
  /** The host's Ed25519 key. */
  privateKey: SshPrivateKeyInput;
  /** Its host certificate (type host), signed by the host CA. */
  certificate: SshCertificateInput;
}

/**
 * An entry for `new Server({ hostKeys: [...] })`. The patched server then offers
 * ssh-ed25519-cert-v01@openssh.com (sending the certificate, signing with the key) before plain
 * ssh-ed25519, so an OpenSSH client trusting the host CA ("@cert-authority" in known_hosts)
 * connects without a prompt and others can still pin the plain key.
 */
export function hostKeyWithCertificate(
  params: HostKeyWithCertificateParams,
): HostKeyWithCertificate {
  const { opensshPrivateKey, certificate } = certifiedKey(
    params.privateKey,
    params.certificate,
    "host",
  );
  return { key: opensshPrivateKey, certificate: certificate.blob };
}
