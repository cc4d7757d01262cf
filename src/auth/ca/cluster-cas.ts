// The cluster's certificate authorities (SSH user CA, SSH host CA, TLS CA) and their stored
// form: plain JSON for the backend, keys as PKCS#8 PEM, certificates as PEM, SSH public keys as
// authorized_keys lines.

import { createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import * as z from "zod";
import { CaError, ClusterCasError } from "./errors.js";
import { encodeSshPublicKey, formatAuthorizedKey, parseAuthorizedKey } from "./ssh/public-key.js";
import { createTlsCa, loadTlsCa, type TlsCa } from "./tls/ca.js";
import { privateKeyFromPem, privateKeyToPem } from "./tls/keys.js";

export interface SshCa {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** "ssh-ed25519 AAAA…" */
  authorizedKey: string;
}

export interface ClusterCas {
  clusterName: string;
  /** Signs user SSH certificates; nodes trust it for logins. */
  userCa: { ssh: SshCa };
  /** Signs host SSH certificates; clients trust it for host keys. */
  hostCa: { ssh: SshCa };
  /** Issues X.509 identities for mutual TLS inside the cluster. */
  tlsCa: TlsCa;
}

const storedSshCa = z.object({
  privateKeyPem: z.string().min(1),
  publicKey: z.string().min(1),
});

const storedClusterCas = z.object({
  clusterName: z.string().min(1),
  userCa: z.object({ ssh: storedSshCa }),
  hostCa: z.object({ ssh: storedSshCa }),
  tlsCa: z.object({ certPem: z.string().min(1), keyPem: z.string().min(1) }),
});

/** The JSON form of ClusterCas, as stored in the backend. */
export type StoredClusterCas = z.infer<typeof storedClusterCas>;

function newSshCa(): SshCa {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { privateKey, publicKey, authorizedKey: formatAuthorizedKey(publicKey) };
}

export async function generateClusterCas({
  clusterName,
  now,
}: {
  clusterName: string;
  now: Date;
}): Promise<ClusterCas> {
  return {
    clusterName,
    userCa: { ssh: newSshCa() },
    hostCa: { ssh: newSshCa() },
    tlsCa: await createTlsCa({ clusterName, now }),
  };
}

export function storeClusterCas(cas: ClusterCas): StoredClusterCas {
  const ssh = (ca: SshCa) => ({
    privateKeyPem: privateKeyToPem(ca.privateKey),
    publicKey: ca.authorizedKey,
  });
  return {
    clusterName: cas.clusterName,
    userCa: { ssh: ssh(cas.userCa.ssh) },
    hostCa: { ssh: ssh(cas.hostCa.ssh) },
    tlsCa: { certPem: cas.tlsCa.certPem, keyPem: cas.tlsCa.keyPem },
  };
}

function loadSshCa(stored: z.infer<typeof storedSshCa>, which: string): SshCa {
  const privateKey = privateKeyFromPem(stored.privateKeyPem, `${which} private key`);
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new ClusterCasError(
      `${which}: the private key is ${privateKey.asymmetricKeyType ?? "unknown"}, expected Ed25519`,
    );
  }
  const publicKey = parseAuthorizedKey(stored.publicKey);
  // A private key that does not match its public line would sign certificates nobody trusts.
  if (!encodeSshPublicKey(createPublicKey(privateKey)).equals(encodeSshPublicKey(publicKey))) {
    throw new ClusterCasError(`${which}: the private key does not match the public key`);
  }
  return { privateKey, publicKey, authorizedKey: stored.publicKey };
}

/** Loads CAs from their stored JSON (text or already-parsed), checking every key pair. */
export function loadClusterCas(stored: unknown): ClusterCas {
  let value: unknown = stored;
  if (typeof stored === "string") {
    try {
      value = JSON.parse(stored);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new ClusterCasError(`stored cluster CAs are not valid JSON: ${why}`);
    }
  }
  const parsed = storedClusterCas.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new ClusterCasError(`stored cluster CAs have the wrong shape: ${issues.join("; ")}`);
  }
  const s = parsed.data;
  try {
    return {
      clusterName: s.clusterName,
      userCa: { ssh: loadSshCa(s.userCa.ssh, "user CA") },
      hostCa: { ssh: loadSshCa(s.hostCa.ssh, "host CA") },
      tlsCa: loadTlsCa(s.tlsCa),
    };
  } catch (err) {
    if (err instanceof CaError && !(err instanceof ClusterCasError)) {
      throw new ClusterCasError(`stored cluster CAs of "${s.clusterName}": ${err.message}`);
    }
    throw err;
  }
}
