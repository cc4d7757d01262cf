// Join tokens are secrets: stored under a hash of their value, compared in constant time.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export const TOKENS_PREFIX = "/tokens/";

function sha256(text: string): Buffer {
  return createHash("sha256").update(text, "utf8").digest();
}

/**
 * The backend key of a token: its SHA-256, so that key listings, watch events and indexes
 * never hold the token itself.
 */
export function tokenKey(token: string): string {
  return `${TOKENS_PREFIX}${sha256(token).toString("hex")}`;
}

/** A random token: `bytes` random bytes as hex. */
export function randomToken(bytes = 16): string {
  return randomBytes(bytes).toString("hex");
}

/** Equal secrets, in time that does not depend on where they differ (hashes have one length). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(sha256(a), sha256(b));
}
