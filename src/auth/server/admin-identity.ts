// <data_dir>/admin.identity: the identity tctl uses on the auth server's host (TLS CN "admin",
// O "Admin"), in identity-file format, mode 0600. Made at start, and renewed while the server
// runs whenever less than a day of it is left (or it was made by another CA).
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  formatIdentityFile,
  issueTlsCertificate,
  parseIdentityFile,
  signSshCertificate,
  type ClusterCas,
} from "../ca/index.js";
import { noLoginPrincipal, sshHostCaLines } from "./certs.js";

export const ADMIN_IDENTITY_FILE = "admin.identity";
export const ADMIN_NAME = "admin";
const DAY_MS = 24 * 60 * 60 * 1000;
/** Lifetime of a new admin identity; it is renewed with a day left. */
export const ADMIN_IDENTITY_TTL_MS = 7 * DAY_MS;
export const ADMIN_RENEW_BEFORE_MS = DAY_MS;

export function adminIdentityPath(dataDir: string): string {
  return join(dataDir, ADMIN_IDENTITY_FILE);
}

/** Whether the file holds an identity of this CA that is good for more than a day. */
async function stillGood(path: string, cas: ClusterCas, now: Date): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return false;
  }
  try {
    const parsed = parseIdentityFile(text, path);
    const cert = parsed.tlsCertificate;
    const left = new Date(cert.validTo).getTime() - now.getTime();
    return cert.verify(cas.tlsCa.certificate.publicKey) && left > ADMIN_RENEW_BEFORE_MS;
  } catch {
    // Damaged or foreign: replaced below.
    return false;
  }
}

/** Writes a fresh admin identity unless the current one is still good; returns whether it did. */
export async function ensureAdminIdentity(
  dataDir: string,
  cas: ClusterCas,
  now: Date,
): Promise<{ path: string; renewed: boolean }> {
  const path = adminIdentityPath(dataDir);
  if (await stillGood(path, cas, now)) return { path, renewed: false };

  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const validBefore = new Date(now.getTime() + ADMIN_IDENTITY_TTL_MS);
  const ssh = signSshCertificate({
    caPrivateKey: cas.userCa.ssh.privateKey,
    publicKey,
    type: "user",
    keyId: ADMIN_NAME,
    // The identity-file format needs an SSH certificate; this one opens no Unix account.
    principals: [noLoginPrincipal()],
    validAfter: new Date(now.getTime() - 60_000),
    validBefore,
  });
  const tls = await issueTlsCertificate({
    ca: cas.tlsCa,
    subjectPublicKey: publicKey,
    commonName: ADMIN_NAME,
    organization: ["Admin"],
    usage: "client",
    validFor: ADMIN_IDENTITY_TTL_MS,
    now,
  });
  const text = formatIdentityFile({
    privateKey,
    sshCertificate: ssh.line,
    tlsCertificatePem: tls.certPem,
    sshCaLines: sshHostCaLines(cas),
    tlsCaCertificatesPem: [cas.tlsCa.certPem],
  });
  // Written beside and renamed over: tctl never reads half a file.
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    // "wx": a new file, so the mode is 0600 from the first byte.
    await writeFile(temporary, text, { mode: 0o600, flag: "wx" });
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
  return { path, renewed: true };
}
