// Key and prefix rules shared by every backend implementation.
import { BackendError } from "./errors.js";

// With the u flag this matches only unpaired surrogates: they have no UTF-8 form, so two
// different keys would be stored as the same bytes (both become U+FFFD).
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

function checkText(what: string, text: string): void {
  if (typeof text !== "string") throw new BackendError(`${what} must be a string`);
  if (text.includes("\0")) throw new BackendError(`${what} ${JSON.stringify(text)} contains NUL`);
  if (LONE_SURROGATE.test(text)) {
    throw new BackendError(`${what} ${JSON.stringify(text)} is not well-formed Unicode`);
  }
}

/** Throws a BackendError unless `key` can be stored: non-empty, no NUL, well-formed Unicode. */
export function checkKey(key: string): void {
  checkText("key", key);
  if (key === "") throw new BackendError("key must not be empty");
}

/** Throws a BackendError unless `prefix` can be used for a range ("" means every key). */
export function checkPrefix(prefix: string): void {
  checkText("prefix", prefix);
}

/**
 * The smallest string greater than every string starting with `prefix`, in code point order
 * (which is UTF-8 byte order, SQLite's BINARY collation): keys under `prefix` are exactly those
 * with prefix <= key < prefixEnd(prefix). undefined when there is no upper bound (the empty
 * prefix, or one made only of U+10FFFF).
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = points.pop()?.codePointAt(0) ?? 0;
    if (last < 0x10ffff) {
      // Surrogate code points are not characters; the next one after U+D7FF is U+E000.
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return points.join("") + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/** True when `key` is under `prefix` (the same keys the range scan returns). */
export function isUnder(key: string, prefix: string): boolean {
  return key.startsWith(prefix);
}

/** Milliseconds since the epoch of an expiry, or null for none; throws on an invalid Date. */
export function expiryMs(key: string, expires: Date | undefined): number | null {
  if (expires === undefined) return null;
  const ms = expires instanceof Date ? expires.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new BackendError(`expires for ${key} is not a valid Date`);
  return ms;
}
