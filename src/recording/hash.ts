// The integrity hash chain of a recording (docs/recordings.md, "Hash chain").
//
//   hash(e) = hex(SHA-256( prev + "\n" + canonicalJson(e without "hash") ))                 other events
//   hash(e) = hex(SHA-256( prev + "\n" + canonicalJson(e without "hash") + "\n" + hex(SHA-256(bytes)) ))   print
//
// `prev` is the hash of the event with ei - 1 as 64 lowercase hex digits, or "" for ei 0. Events are
// chained in ei order across all files of the session, so removing, reordering or editing any event
// breaks the chain at that event. A print event also covers the bytes it printed, so editing
// chunks.gz breaks it too. "\n" cannot occur inside canonical JSON or hex, so the parts cannot
// run into each other.
import { createHash } from "node:crypto";
import { canonicalJson } from "../events/index.js";

/** Hex SHA-256 of bytes. */
export function sha256Hex(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The hash field of `event` given the previous event's hash ("" for ei 0). */
export function chainHash(
  previous: string,
  event: Readonly<Record<string, unknown>>,
  printed: Uint8Array | undefined,
): string {
  const isPrint = event.event === "print";
  if (isPrint !== (printed !== undefined)) {
    // A programming error: the chain is only defined with the bytes for prints and without for the rest.
    throw new TypeError(
      `chainHash: printed bytes must be given for print events and only for them (event ${String(event.event)})`,
    );
  }
  const fields: Record<string, unknown> = { ...event };
  delete fields.hash;
  const digest = printed === undefined ? undefined : sha256Hex(printed);
  return chainHashOfJson(previous, canonicalJson(fields), digest);
}

/**
 * chainHash for an event given as its canonical JSON without "hash", and for a print the hex
 * SHA-256 of its bytes (the writer builds the text itself and may hash the bytes elsewhere).
 */
export function chainHashOfJson(
  previous: string,
  json: string,
  printedDigest: string | undefined,
): string {
  const digest = createHash("sha256").update(previous).update("\n").update(json);
  if (printedDigest !== undefined) digest.update("\n").update(printedDigest);
  return digest.digest("hex");
}
