// TOTP (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30-second steps, 6 digits, and one step of
// clock skew either way, which is what authenticator apps assume when a URI names nothing else.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { base32Decode, base32Encode } from "./base32.js";

export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Steps accepted before and after the current one: a phone's clock may be a little off. */
export const TOTP_SKEW_STEPS = 1;
// RFC 4226 recommends 160 bits, the size of an SHA-1 output.
const SECRET_BYTES = 20;
const CODE_FORMAT = /^\d{6}$/;

/** A new secret, base32 as an authenticator app takes it. */
export function generateTotpSecret(): string {
  return base32Encode(randomBytes(SECRET_BYTES));
}

/** The time step `at` falls in. */
export function totpCounter(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_STEP_SECONDS);
}

/** RFC 4226 HOTP: the code of `counter` for the raw key, `digits` long with leading zeros. */
export function hotp(key: Uint8Array, counter: number, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", key).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, "0");
}

/**
 * The step whose code `code` is, within the skew window around `now`; undefined when it is none
 * of them (or the secret is not base32). Every candidate is compared in constant time.
 */
export function matchTotp(secret: string, code: string, now: Date): number | undefined {
  const key = base32Decode(secret);
  if (key === undefined || key.length === 0 || !CODE_FORMAT.test(code)) return undefined;
  const given = Buffer.from(code, "ascii");
  const current = totpCounter(now);
  let matched: number | undefined;
  for (let delta = -TOTP_SKEW_STEPS; delta <= TOTP_SKEW_STEPS; delta++) {
    const expected = Buffer.from(hotp(key, current + delta), "ascii");
    if (timingSafeEqual(expected, given) && matched === undefined) matched = current + delta;
  }
  return matched;
}

/** When a code of step `counter` stops being accepted anywhere in the window. */
export function totpExpiry(counter: number): Date {
  return new Date((counter + TOTP_SKEW_STEPS + 1) * TOTP_STEP_SECONDS * 1000);
}

/** The otpauth:// URI an authenticator app reads from a QR code. */
export function totpUri(secret: string, clusterName: string, user: string): string {
  const issuer = encodeURIComponent(clusterName);
  return `otpauth://totp/${issuer}:${encodeURIComponent(user)}?secret=${secret}&issuer=${issuer}`;
}
