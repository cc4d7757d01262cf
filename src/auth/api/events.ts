// Audit events: POST /v1/events (batched ingestion) and GET /v1/events (search).
import { z } from "zod";

export const MAX_EVENTS_PER_BATCH = 1000;
/** Largest POST /v1/events body auth reads. */
export const MAX_EVENTS_BODY_BYTES = 16 * 1024 * 1024;

/**
 * `events` cut into requests auth takes: at most MAX_EVENTS_PER_BATCH events and `maxBytes` of
 * JSON each (half the body limit by default, room for the envelope). Counting events is not
 * enough: a session.command holds up to 16 KiB of arguments, escaped to up to six times that.
 */
export function eventBatches<T>(events: readonly T[], maxBytes = MAX_EVENTS_BODY_BYTES / 2): T[][] {
  const batches: T[][] = [];
  let batch: T[] = [];
  let bytes = 0;
  for (const event of events) {
    const size = Buffer.byteLength(JSON.stringify(event)) + 1;
    if (batch.length > 0 && (batch.length === MAX_EVENTS_PER_BATCH || bytes + size > maxBytes)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(event);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

export const postEventsRequest = z.strictObject({
  /** Each one an audit event (checked with the events part's schemas by the server). */
  events: z
    .array(z.record(z.string(), z.unknown()), { error: "expected a list of event objects" })
    .max(MAX_EVENTS_PER_BATCH, {
      error: `at most ${MAX_EVENTS_PER_BATCH} events per request: send the rest in another`,
    }),
});
export type PostEventsRequest = z.input<typeof postEventsRequest>;

export const postEventsResponse = z.object({
  /** Events written now. */
  stored: z.number(),
  /** Events already stored by an earlier request (same uid): skipped. */
  duplicates: z.number(),
});

const list = z
  .string()
  .transform((text) => text.split(",").map((part) => part.trim()))
  .pipe(z.array(z.string().min(1, { error: "expected names separated by commas" })));

/** The query string of GET /v1/events (every value is text). */
export const searchEventsQuery = z.strictObject({
  from: z.iso.datetime({ offset: true, error: "expected an RFC 3339 time" }).optional(),
  to: z.iso.datetime({ offset: true, error: "expected an RFC 3339 time" }).optional(),
  types: list.optional(),
  sid: z.string().min(1).optional(),
  user: z.string().min(1).optional(),
  login: z.string().min(1).optional(),
  server: z.string().min(1).optional(),
  text: z.string().min(1).optional(),
  limit: z
    .string()
    .regex(/^\d+$/, { error: "expected a whole number" })
    .transform(Number)
    .optional(),
  order: z.enum(["asc", "desc"], { error: 'expected "asc" or "desc"' }).optional(),
  cursor: z.string().optional(),
});
export type SearchEventsQuery = z.input<typeof searchEventsQuery>;

export const searchEventsResponse = z.object({
  events: z.array(z.record(z.string(), z.unknown())),
  nextCursor: z.string().optional(),
  problems: z.array(z.string()),
});
export type SearchEventsResponse = z.output<typeof searchEventsResponse>;
