// A session in a cluster whose session_recording is "off": nothing is recorded (no terminal
// output, no kernel events, no files to upload), but its audit events (session.start, exec,
// session.end…) still reach the audit log, as in Teleport. They wait in the node's event spool
// (fsynced, see delivery.ts) until auth has them, so neither an unreachable auth nor a node
// restart loses one.
import { SessionEventStream, type SessionStreamFields } from "../events/index.js";
import type { Logger } from "../log/index.js";
import type { RecordingDelivery } from "./delivery.js";
import { errorMessage } from "./errors.js";
import {
  sessionFieldsOf,
  type SessionEventType,
  type SessionIdentity,
  type SessionRecord,
} from "./recording.js";

export class UnrecordedSession implements SessionRecord {
  readonly #stream: SessionEventStream;
  /** Events of this turn of the event loop: spooled together, one file and one fsync. */
  #batch: object[] = [];
  #timer: NodeJS.Immediate | undefined;
  #spooling: Promise<void> = Promise.resolve();

  constructor(
    who: SessionIdentity,
    private readonly delivery: RecordingDelivery,
    private readonly logger: Logger,
  ) {
    this.#stream = new SessionEventStream(sessionFieldsOf(who), { clusterName: who.clusterName });
  }

  event(type: SessionEventType, fields: Readonly<Record<string, unknown>>): void {
    // As in SessionRecording: the per-type field checks are bypassed; the tests parse the result.
    this.#batch.push(this.#stream.next(type, fields as SessionStreamFields<typeof type>));
    this.#timer ??= setImmediate(() => this.#spool());
  }

  print(): boolean {
    return true;
  }

  drained(): Promise<void> {
    return Promise.resolve();
  }

  kernel(): void {
    // Not recorded: the session's cgroup is watched for no kind of event.
  }

  lost(): void {
    // Nothing was recorded, so nothing was lost.
  }

  async finish(): Promise<void> {
    this.#spool();
    await this.#spooling;
  }

  #spool(): void {
    clearImmediate(this.#timer);
    this.#timer = undefined;
    const batch = this.#batch;
    this.#batch = [];
    if (batch.length === 0) return;
    this.#spooling = this.#spooling
      .then(() => this.delivery.spoolEvents(batch))
      .catch((error: unknown) =>
        this.logger.error(
          { events: batch.length },
          `Audit events of the session cannot be kept for auth: ${errorMessage(error)}`,
        ),
      );
  }
}
