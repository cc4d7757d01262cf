// Building events: one place fills the fields every event carries (type, code, time, uid,
// cluster), and a per-session stream adds the session's fields and numbers events with `ei`.
import { randomUUID } from "node:crypto";
import type { SessionEventContext } from "./enhanced.js";
import type { AuditEventOf, KnownEventType, SessionEventType } from "./model.js";
import { eventTime } from "./time.js";

export interface EventOptions {
  clusterName: string;
  /** The clock; injected by tests. */
  now?: () => Date;
  /** Makes `uid`s; random UUIDs by default. */
  uid?: () => string;
}

type Filled = "event" | "code" | "time" | "uid" | "cluster_name";

/** What a caller gives for an event of type T: everything but the fields createEvent fills. */
export type EventFields<T extends KnownEventType> = Omit<AuditEventOf<T>, Filled>;

/** The fields every event of one session shares. */
export interface SessionFields {
  sid: string;
  user?: string;
  login?: string;
  /** "default" when not given, as in Teleport. */
  namespace?: string;
  server_id?: string;
  server_hostname?: string;
  server_addr?: string;
}

/** What a caller gives for an event of a stream: the session's fields may be overridden. */
export type SessionStreamFields<T extends SessionEventType> = Omit<
  EventFields<T>,
  keyof SessionFields | "ei"
> &
  Partial<SessionFields>;

const FIXED_CODES = {
  auth: "T3007W",
  "session.start": "T2000I",
  "session.join": "T2001I",
  resize: "T2002I",
  "session.leave": "T2003I",
  "session.end": "T2004I",
  "session.upload": "T2005I",
  "session.data": "T2006I",
  "session.recording.access": "T2012I",
  "session.command": "T4000I",
  "session.disk": "T4001I",
  "session.network": "T4002I",
  "session.events_lost": "T4003W",
} as const;

/** The code of an event, or undefined for print (which has none in Teleport). */
function codeOf(type: KnownEventType, fields: Record<string, unknown>): string | undefined {
  switch (type) {
    case "print":
      return undefined;
    case "exec": {
      // Teleport's T3002E: the command failed (it reports the failure in exitError/exitCode).
      const failed =
        fields["exitError"] !== undefined ||
        (fields["exitCode"] !== undefined && fields["exitCode"] !== "0");
      return failed ? "T3002E" : "T3002I";
    }
    case "user.login":
      return fields["success"] === true ? "T1000I" : "T1000W";
    default:
      return FIXED_CODES[type];
  }
}

/** A whole event of the given type: the caller's fields plus event, code, time, uid, cluster. */
export function createEvent<T extends KnownEventType>(
  type: T,
  fields: EventFields<T>,
  options: EventOptions,
): AuditEventOf<T> {
  const specific = fields as Record<string, unknown>;
  const code = codeOf(type, specific);
  const event = {
    ...specific,
    event: type,
    ...(code === undefined ? {} : { code }),
    time: eventTime((options.now ?? (() => new Date()))()),
    uid: (options.uid ?? randomUUID)(),
    cluster_name: options.clusterName,
  };
  // The spread of a generic type cannot be checked by TypeScript; the fields above are what
  // AuditEventOf<T> adds to EventFields<T> (and a unit test parses each type's result).
  return event as unknown as AuditEventOf<T>;
}

/**
 * The events of one session, numbered 0, 1, 2… in the order they are made. One stream per
 * session and process: `ei` orders a session's events for playback and the hash chain.
 */
export class SessionEventStream {
  #next: number;
  readonly #session: SessionFields & { namespace: string };
  readonly #options: EventOptions;

  constructor(session: SessionFields, options: EventOptions, firstIndex = 0) {
    this.#session = { ...session, namespace: session.namespace ?? "default" };
    this.#options = options;
    this.#next = firstIndex;
  }

  get sid(): string {
    return this.#session.sid;
  }

  /** The `ei` the next event will get. */
  get nextIndex(): number {
    return this.#next;
  }

  /** The next event of the session; `time` overrides the clock (e.g. the kernel's time). */
  next<T extends SessionEventType>(
    type: T,
    fields: SessionStreamFields<T>,
    time?: Date,
  ): AuditEventOf<T> {
    const options = time === undefined ? this.#options : { ...this.#options, now: () => time };
    const all = { ...this.#session, ...fields, ei: this.#next++ };
    return createEvent(type, all as unknown as EventFields<T>, options);
  }

  /** Context for enhancedEvent/lostEventsEvent: takes the next `ei` like next() does. */
  context(time?: Date): SessionEventContext {
    return {
      ...this.#session,
      ei: this.#next++,
      time: time ?? (this.#options.now ?? (() => new Date()))(),
      uid: (this.#options.uid ?? randomUUID)(),
      cluster_name: this.#options.clusterName,
    };
  }
}
