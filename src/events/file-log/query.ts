// The search query: validated once, with the field at fault named in the error.
import { z } from "zod";
import { canonicalJson } from "../canonical.js";
import { AuditLogQueryError } from "./errors.js";
import { fnv1a } from "./hash.js";

export const MAX_LIMIT = 10_000;
export const DEFAULT_LIMIT = 100;

export interface AuditSearchQuery {
  /** Events at or after this instant. */
  from: Date;
  /** Events at or before this instant (to the millisecond). */
  to: Date;
  /** Event types ("session.command", ...); all types when absent. */
  eventTypes?: string[];
  sid?: string;
  user?: string;
  login?: string;
  /** The `server_id` of the events (the node's UUID). */
  serverId?: string;
  /** Case-insensitive substring of the event's JSON line. */
  text?: string;
  /** Events per page: 1 to 10000, default 100. */
  limit?: number;
  /** By time: "asc" (default) or "desc". */
  order?: "asc" | "desc";
  /** The `nextCursor` of the previous page of the same query. */
  cursor?: string;
}

const nonEmpty = z.string().min(1, "must not be empty");

const querySchema = z
  .object({
    from: z.date("expected a valid Date"),
    to: z.date("expected a valid Date"),
    eventTypes: z.array(nonEmpty).min(1, "give at least one type, or leave it out").optional(),
    sid: nonEmpty.optional(),
    user: nonEmpty.optional(),
    login: nonEmpty.optional(),
    serverId: nonEmpty.optional(),
    text: nonEmpty.optional(),
    limit: z
      .number()
      .int("expected a whole number")
      .min(1, `expected 1 to ${MAX_LIMIT}`)
      .max(MAX_LIMIT, `expected 1 to ${MAX_LIMIT}: page through more with nextCursor`)
      .default(DEFAULT_LIMIT),
    order: z.enum(["asc", "desc"]).default("asc"),
    cursor: z.string().optional(),
  })
  .refine((q) => q.from.getTime() <= q.to.getTime(), {
    path: ["to"],
    message: "must not be before from",
  });

export type ValidQuery = z.infer<typeof querySchema>;

export function validateQuery(query: AuditSearchQuery): ValidQuery {
  const result = querySchema.safeParse(query);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new AuditLogQueryError(issue?.path.join(".") || "query", issue?.message ?? "invalid");
}

/** Identifies a query apart from its page (limit, cursor): a cursor is only valid for it. */
export function queryFingerprint(query: ValidQuery): string {
  const normal = {
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    eventTypes: query.eventTypes && [...query.eventTypes].sort(),
    sid: query.sid,
    user: query.user,
    login: query.login,
    serverId: query.serverId,
    text: query.text,
    order: query.order,
  };
  return fnv1a(canonicalJson(normal)).toString(36);
}
