// Audit events sent by nodes and proxies (POST /v1/events), written to the audit log once each:
// a batch sent again (a retry after a lost answer) is skipped by event uid. The uids seen are
// kept in the backend for a day (/event_uids/<caller>/<uid>), so the guarantee survives a restart;
// they are kept per caller, so one source cannot use up another's uids. A node may send only the
// events of its own sessions, in its own name; a proxy only the kinds it writes.
import type { Backend } from "../../backend/index.js";
import {
  AuditEventParseError,
  parseAuditEvent,
  type AuditEvent,
  type FileAuditLog,
} from "../../events/index.js";
import { accessDenied, badRequest } from "./errors.js";
import { describeIdentity, type Identity } from "./peer.js";

export const EVENT_UIDS_PREFIX = "/event_uids/";
/** How long a uid is remembered: a retry later than this would be stored twice. */
export const EVENT_UID_TTL_MS = 24 * 60 * 60 * 1000;

const uidKey = (source: Identity, uid: string): string =>
  `${EVENT_UIDS_PREFIX}${encodeURIComponent(describeIdentity(source))}/${encodeURIComponent(uid)}`;

/**
 * What a node may send: the events of the sessions it runs (the auth server writes uploads), and
 * the logins it refused.
 */
export const NODE_EVENT_TYPES: ReadonlySet<string> = new Set([
  "auth",
  "session.start",
  "session.join",
  "resize",
  "session.leave",
  "session.end",
  "session.data",
  "exec",
  "session.command",
  "session.disk",
  "session.network",
  "session.events_lost",
]);

/** What a proxy may send: logins, and the session events it records. */
export const PROXY_EVENT_TYPES: ReadonlySet<string> = new Set([
  "user.login",
  "session.start",
  "session.join",
  "resize",
  "session.leave",
  "session.end",
  "session.data",
  "exec",
]);

/** An event that passed the checks, with the key (caller and uid) it is stored once by. */
export interface CheckedEvent {
  event: AuditEvent;
  uid: string;
  key: string;
}

export interface IngestResult {
  stored: number;
  duplicates: number;
}

export class EventIngest {
  /** Batches are written one at a time, so two copies of one batch cannot both pass the check. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly backend: Backend,
    private readonly log: FileAuditLog,
    private readonly clusterName: string,
    private readonly now: () => Date,
  ) {}

  /** Checks every event first: one bad event refuses the whole batch, naming it. */
  check(raw: readonly unknown[], source: Identity): CheckedEvent[] {
    return raw.map((value, index) => {
      let event: AuditEvent;
      try {
        event = parseAuditEvent(value);
      } catch (error) {
        if (error instanceof AuditEventParseError) {
          throw badRequest(`field "events.${index}": ${error.message}`);
        }
        throw error;
      }
      if (event.cluster_name !== undefined && event.cluster_name !== this.clusterName) {
        throw badRequest(
          `field "events.${index}.cluster_name": "${event.cluster_name}" is not this cluster ("${this.clusterName}")`,
        );
      }
      this.#checkSource(event, index, source);
      if (event.uid === undefined) {
        throw badRequest(`field "events.${index}.uid": required: events are stored once by uid`);
      }
      return { event, uid: event.uid, key: uidKey(source, event.uid) };
    });
  }

  /** Nodes and proxies send only their kinds of events; a node only in its own name. */
  #checkSource(event: AuditEvent, index: number, source: Identity): void {
    if (source.kind !== "builtin") {
      throw accessDenied(`access denied: only nodes and proxies send audit events`);
    }
    const allowed =
      source.role === "Node"
        ? NODE_EVENT_TYPES
        : source.role === "Proxy"
          ? PROXY_EVENT_TYPES
          : undefined;
    if (allowed === undefined) {
      throw accessDenied(`access denied: only nodes and proxies send audit events`);
    }
    if (!allowed.has(event.event)) {
      throw accessDenied(
        `access denied: event ${index} is a ${event.event} event, which a ${source.role} may not send (it may send ${[...allowed].join(", ")})`,
      );
    }
    if (source.role !== "Node") return;
    // A node speaks for itself only: every event names it, and no other server.
    const serverId = "server_id" in event ? event.server_id : undefined;
    if (serverId === undefined || serverId === "") {
      throw accessDenied(
        `access denied: event ${index} (${event.event}) has no server_id: a node's events must carry its host id "${source.name}"`,
      );
    }
    if (serverId !== source.name) {
      throw accessDenied(
        `access denied: event ${index} has server_id "${String(serverId)}", but the caller is node "${source.name}"`,
      );
    }
  }

  ingest(events: readonly CheckedEvent[]): Promise<IngestResult> {
    const run = this.#queue.then(() => this.#write(events));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #write(events: readonly CheckedEvent[]): Promise<IngestResult> {
    const fresh: CheckedEvent[] = [];
    const seen = new Set<string>();
    for (const checked of events) {
      if (seen.has(checked.key)) continue;
      seen.add(checked.key);
      if ((await this.backend.get(checked.key)) === undefined) fresh.push(checked);
    }
    // Written before the uids are marked: a crash in between stores an event twice on retry,
    // never loses one.
    if (fresh.length > 0) await this.log.append(fresh.map((checked) => checked.event));
    const expires = new Date(this.now().getTime() + EVENT_UID_TTL_MS);
    for (const { key } of fresh) await this.backend.put(key, "", { expires });
    return { stored: fresh.length, duplicates: events.length - fresh.length };
  }
}
