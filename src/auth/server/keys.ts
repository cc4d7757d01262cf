// Public keys a client sends to be certified: parsed, with a 400 naming the field when they
// cannot be used.
import { createPublicKey, type KeyObject } from "node:crypto";
import { CaError, parseAuthorizedKey } from "../ca/index.js";
import { badRequest } from "./errors.js";

export function sshPublicKeyOf(line: string, field = "sshPublicKey"): KeyObject {
  try {
    return parseAuthorizedKey(line.trim());
  } catch (error) {
    if (error instanceof CaError) throw badRequest(`field "${field}": ${error.message}`);
    throw error;
  }
}

/** An Ed25519 or ECDSA P-256 SPKI PEM key: the kinds the cluster's TLS CA certifies. */
export function tlsPublicKeyOf(pem: string, field = "tlsPublicKey"): KeyObject {
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: "pem" });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw badRequest(`field "${field}": not a PEM public key (${why})`);
  }
  const p256 =
    key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1";
  if (key.asymmetricKeyType !== "ed25519" && !p256) {
    throw badRequest(
      `field "${field}": a ${key.asymmetricKeyType ?? "unknown"} key cannot be certified: ` +
        "use Ed25519 or ECDSA P-256",
    );
  }
  return key;
}
