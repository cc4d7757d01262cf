// A page cursor names the position of the last event returned: its day file, time key and byte
// offset. Day files are append-only, so a position stays valid however much is appended later;
// the next page resumes strictly after it in (day, time, offset) order and returns no event twice.
import { z } from "zod";
import { AuditLogCursorError } from "./errors.js";

export interface CursorPosition {
  day: string;
  /** timeKey of the event. */
  time: number;
  /** Byte offset of its line in the day file. */
  offset: number;
}

const cursorSchema = z.object({
  v: z.literal(1),
  q: z.string(),
  d: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  t: z.number(),
  o: z.number().int().nonnegative(),
});

export function encodeCursor(position: CursorPosition, fingerprint: string): string {
  const body = { v: 1, q: fingerprint, d: position.day, t: position.time, o: position.offset };
  return Buffer.from(JSON.stringify(body)).toString("base64url");
}

export function decodeCursor(cursor: string, fingerprint: string): CursorPosition {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    body = undefined;
  }
  const parsed = cursorSchema.safeParse(body);
  if (!parsed.success) {
    throw new AuditLogCursorError(
      "audit log search: the cursor is damaged or not one this audit log made; search again without it",
    );
  }
  if (parsed.data.q !== fingerprint) {
    throw new AuditLogCursorError(
      "audit log search: the cursor belongs to a different query; use it only with the query " +
        "(from, to, filters, order) that returned it, or search again without it",
    );
  }
  return { day: parsed.data.d, time: parsed.data.t, offset: parsed.data.o };
}
