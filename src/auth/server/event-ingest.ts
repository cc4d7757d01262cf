// Audit events sent by nodes and proxies (POST /v1/events), written to the audit log once each:
// a batch sent again (a retry after a lost answer) is skipped by event uid. The uids seen are
// kept in the backend for a day (/event_uids/<uid>), so the guarantee survives a restart.
import type { Backend } from "../../backend/index.js";
import {
  AuditEventParseError,
  parseAuditEvent,
  type AuditEvent,
  type FileAuditLog,
} from "../../events/index.js";
import { accessDenied, badRequest } from "./errors.js";
import type { Identity } from "./peer.js";

export const EVENT_UIDS_PREFIX = "/event_uids/";
/** How long a uid is remembered: a retry later than this would be stored twice. */
export const EVENT_UID_TTL_MS = 24 * 60 * 60 * 1000;

const uidKey = (uid: string): string => `${EVENT_UIDS_PREFIX}${encodeURIComponent(uid)}`;

/** An event that passed the checks, with the uid it is stored once by. */
export interface CheckedEvent {
  event: AuditEvent;
  uid: string;
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
      // A node speaks for itself only: it may not put events in another server's name.
      const serverId = "server_id" in event ? event.server_id : undefined;
      if (source.kind === "builtin" && source.role === "Node" && serverId !== undefined) {
        if (serverId !== source.name) {
          throw accessDenied(
            `access denied: event ${index} has server_id "${String(serverId)}", but the caller is node "${source.name}"`,
          );
        }
      }
      if (event.uid === undefined) {
        throw badRequest(`field "events.${index}.uid": required: events are stored once by uid`);
      }
      return { event, uid: event.uid };
    });
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
      if (seen.has(checked.uid)) continue;
      seen.add(checked.uid);
      if ((await this.backend.get(uidKey(checked.uid))) === undefined) fresh.push(checked);
    }
    // Written before the uids are marked: a crash in between stores an event twice on retry,
    // never loses one.
    if (fresh.length > 0) await this.log.append(fresh.map((checked) => checked.event));
    const expires = new Date(this.now().getTime() + EVENT_UID_TTL_MS);
    for (const { uid } of fresh) await this.backend.put(uidKey(uid), "", { expires });
    return { stored: fresh.length, duplicates: events.length - fresh.length };
  }
}
