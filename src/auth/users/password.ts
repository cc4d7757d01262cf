// Passwords: the policy, and scrypt hashes stored as "scrypt$N$r$p$salt$hash" (base64url), so
// that the cost can be raised later without breaking the hashes already stored.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import { PasswordPolicyError } from "./errors.js";

export const MIN_PASSWORD_LENGTH = 12;
// Teleport's limit; it also bounds the work a login request can ask for.
export const MAX_PASSWORD_LENGTH = 128;

const COST = { N: 2 ** 15, r: 8, p: 1 } as const;
const KEY_LENGTH = 64;
const SALT_LENGTH = 16;
const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

interface Parsed {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

function derive(
  password: string,
  salt: Buffer,
  cost: Parsed | typeof COST,
  length: number,
): Promise<Buffer> {
  // Node's default maxmem (32 MiB) is exactly 128·N·r for N=2^15, r=8, and too small with
  // OpenSSL's overhead: allow twice that.
  const options: ScryptOptions = { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFC"), salt, length, options, (error, key) =>
      error === null ? resolve(key) : reject(error),
    );
  });
}

/** The length a person would count: code points, not UTF-16 units. */
function length(password: string): number {
  return [...password].length;
}

/** Throws PasswordPolicyError when the password is not acceptable. */
export function checkPasswordPolicy(password: string): void {
  if (typeof password !== "string") throw new PasswordPolicyError("the password must be text");
  const count = length(password);
  if (count < MIN_PASSWORD_LENGTH) {
    throw new PasswordPolicyError(
      `the password is too short: use at least ${MIN_PASSWORD_LENGTH} characters ` +
        `(it has ${count})`,
    );
  }
  if (count > MAX_PASSWORD_LENGTH) {
    throw new PasswordPolicyError(
      `the password is too long: use at most ${MAX_PASSWORD_LENGTH} characters`,
    );
  }
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const hash = await derive(password, salt, COST, KEY_LENGTH);
  return [
    "scrypt",
    COST.N,
    COST.r,
    COST.p,
    salt.toString("base64url"),
    hash.toString("base64url"),
  ].join("$");
}

/** The parts of a stored hash, or undefined when it is not one we could have written. */
export function parseHash(stored: string): Parsed | undefined {
  const match = FORMAT.exec(stored);
  if (match === null) return undefined;
  const [, n = "", r = "", p = "", salt = "", hash = ""] = match;
  const parsed = {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    salt: Buffer.from(salt, "base64url"),
    hash: Buffer.from(hash, "base64url"),
  };
  // Bounds so that a tampered record cannot make one login cost gigabytes or minutes.
  const powerOfTwo = Number.isInteger(Math.log2(parsed.N));
  const sane =
    powerOfTwo &&
    parsed.N >= 2 ** 10 &&
    parsed.N <= 2 ** 20 &&
    parsed.r >= 1 &&
    parsed.r <= 32 &&
    parsed.p >= 1 &&
    parsed.p <= 16 &&
    parsed.salt.length >= 8 &&
    parsed.hash.length >= 16 &&
    parsed.hash.length <= 128;
  return sane ? parsed : undefined;
}

/**
 * True when `password` matches the stored hash. Without a hash (unknown user, or no password
 * yet) it spends the same scrypt time and returns false, so timing does not tell them apart.
 */
export async function verifyPassword(
  password: string,
  stored: string | undefined,
): Promise<boolean> {
  const parsed = stored === undefined ? undefined : parseHash(stored);
  const expected = parsed?.hash ?? randomBytes(KEY_LENGTH);
  const candidate =
    typeof password === "string" && length(password) <= MAX_PASSWORD_LENGTH ? password : "";
  const derived = await derive(
    candidate,
    parsed?.salt ?? randomBytes(SALT_LENGTH),
    parsed ?? COST,
    expected.length,
  );
  return timingSafeEqual(derived, expected) && parsed !== undefined && candidate === password;
}
