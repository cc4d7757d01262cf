// A user's key with the certificates auth issues at login, signed here by the cluster's CAs
// without an auth server: an SSH certificate from the user CA and a TLS client certificate.
import {
  generateSshKeyPair,
  issueTlsCertificate,
  signSshCertificate,
  type ClusterCas,
  type SshKeyPair,
} from "../../src/auth/ca/index.js";

export interface UserCertificates {
  key: SshKeyPair;
  /** The SSH certificate's authorized_keys line. */
  sshCertificate: string;
  tlsCertificatePem: string;
}

export async function signUserCertificates(
  cas: ClusterCas,
  options: {
    /** The SSH key id and the TLS common name. */
    user: string;
    principals: string[];
    /** The TLS organizations (none when absent). */
    roles?: string[];
    now: Date;
    /** From `now`, in ms. */
    validFor: number;
    /** How long before `now` the SSH certificate is valid from (default 0). */
    backdate?: number;
  },
): Promise<UserCertificates> {
  const key = generateSshKeyPair();
  const ssh = signSshCertificate({
    caPrivateKey: cas.userCa.ssh.privateKey,
    publicKey: key.publicKey,
    type: "user",
    keyId: options.user,
    principals: options.principals,
    validAfter: new Date(options.now.getTime() - (options.backdate ?? 0)),
    validBefore: new Date(options.now.getTime() + options.validFor),
  });
  const tls = await issueTlsCertificate({
    ca: cas.tlsCa,
    subjectPublicKey: key.publicKey,
    commonName: options.user,
    ...(options.roles === undefined ? {} : { organization: options.roles }),
    usage: "client",
    validFor: options.validFor,
    now: options.now,
  });
  return { key, sshCertificate: ssh.line, tlsCertificatePem: tls.certPem };
}
