// Types of the audit events, derived from their schemas so the two cannot drift apart.
import type { z } from "zod";
import { eventSchemas, type unknownEventSchema } from "./schema.js";

export type KnownEventType = keyof typeof eventSchemas;

export type AuditEventOf<T extends KnownEventType> = z.infer<(typeof eventSchemas)[T]>;

export type KnownAuditEvent = { [T in KnownEventType]: AuditEventOf<T> }[KnownEventType];

/** An event of a type this version does not know, kept whole for forward compatibility. */
export type UnknownAuditEvent = z.infer<typeof unknownEventSchema>;

export type AuditEvent = KnownAuditEvent | UnknownAuditEvent;

export const KNOWN_EVENT_TYPES = Object.keys(eventSchemas) as readonly KnownEventType[];

/** The codes each event type may carry; print has none (Teleport gives it none). */
export const EVENT_CODES = {
  "user.login": ["T1000I", "T1000W"],
  auth: ["T3007W"],
  "session.start": ["T2000I"],
  "session.join": ["T2001I"],
  resize: ["T2002I"],
  "session.leave": ["T2003I"],
  "session.end": ["T2004I"],
  "session.upload": ["T2005I"],
  "session.data": ["T2006I"],
  "session.recording.access": ["T2012I"],
  exec: ["T3002I", "T3002E"],
  "session.command": ["T4000I"],
  "session.disk": ["T4001I"],
  "session.network": ["T4002I"],
  "session.events_lost": ["T4003W"],
  print: [],
} as const satisfies { [T in KnownEventType]: readonly string[] };

/** Event types whose events belong to one session and are numbered by `ei`. */
export type SessionEventType = Exclude<
  KnownEventType,
  "user.login" | "auth" | "session.recording.access"
>;

export function isKnownEventType(type: string): type is KnownEventType {
  return Object.hasOwn(eventSchemas, type);
}

/** Narrows a parsed event to one type (parseAuditEvent only yields known types' shapes). */
export function isEventOfType<T extends KnownEventType>(
  event: AuditEvent,
  type: T,
): event is AuditEventOf<T> {
  return event.event === type;
}
