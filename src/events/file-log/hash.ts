/**
 * FNV-1a (32 bits) of a string's UTF-16 code units. The line index keeps these instead of the
 * strings: a match is only a hint, confirmed on the parsed line, so collisions cost a read.
 * 0 is kept for "field absent".
 */
export function fnv1a(value: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    hash ^= value.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash >>>= 0;
  return hash === 0 ? 1 : hash;
}

/** The hash of a field's value, 0 when it is not a string. */
export function fieldHash(value: unknown): number {
  return typeof value === "string" ? fnv1a(value) : 0;
}
