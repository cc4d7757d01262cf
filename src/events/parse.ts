// Reading events back (audit log lines, recordings): known types are checked field by field,
// unknown types only for the common fields so that newer writers' events are kept, not lost.
import type { z } from "zod";
import { AuditEventParseError, type FieldIssue } from "./errors.js";
import type { AuditEvent } from "./model.js";
import { eventSchemas, unknownEventSchema } from "./schema.js";

// Known keys are checked; keys we do not model (Teleport has many more) pass through untouched.
const looseSchemas = new Map<string, z.ZodType<AuditEvent>>(
  Object.entries(eventSchemas).map(([type, schema]) => [type, schema.loose()]),
);

function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, i) =>
      typeof part === "number" ? `[${part}]` : `${i > 0 ? "." : ""}${String(part)}`,
    )
    .join("");
}

function issues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ field: fieldPath(issue.path), message: issue.message }));
}

/** Validates a decoded JSON value as an audit event; throws AuditEventParseError. */
export function parseAuditEvent(json: unknown): AuditEvent {
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    throw new AuditEventParseError(undefined, [{ field: "", message: "expected a JSON object" }]);
  }
  const type = (json as { event?: unknown }).event;
  const schema = (typeof type === "string" && looseSchemas.get(type)) || unknownEventSchema;
  const result = schema.safeParse(json);
  if (!result.success) {
    throw new AuditEventParseError(
      typeof type === "string" ? type : undefined,
      issues(result.error),
    );
  }
  return result.data;
}

/** Parses one line of JSON text (an audit log line) as an audit event. */
export function parseAuditEventLine(line: string): AuditEvent {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (err) {
    throw new AuditEventParseError(undefined, [
      { field: "", message: `not JSON (${(err as Error).message})` },
    ]);
  }
  return parseAuditEvent(json);
}
