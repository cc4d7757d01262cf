// An identity file for a user, as tctl auth sign writes it: a fresh key, certified by auth.
import { formatIdentityFile, generateSshKeyPair } from "../ca/index.js";
import type { AuthClient } from "./client.js";

/** The text of an identity file (for tsh -i, tctl -i) of `user`, valid for `ttl` ("12h"). */
export async function signIdentityFile(
  client: AuthClient,
  request: { user: string; ttl: string },
): Promise<string> {
  const keys = generateSshKeyPair();
  const certs = await client.signCerts({
    user: request.user,
    ttl: request.ttl,
    sshPublicKey: keys.authorizedKey,
    tlsPublicKey: keys.publicKey.export({ format: "pem", type: "spki" }).toString(),
  });
  return formatIdentityFile({
    privateKey: keys.privateKey,
    sshCertificate: certs.sshCertificate,
    tlsCertificatePem: certs.tlsCertificate,
    sshCaLines: certs.sshHostCaLines,
    tlsCaCertificatesPem: certs.tlsCaCertificates,
  });
}
