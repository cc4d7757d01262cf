// Audit events: POST /v1/events (batched ingestion) and GET /v1/events (search).
import { z } from "zod";

export const MAX_EVENTS_PER_BATCH = 1000;

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
