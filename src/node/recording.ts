// One session's record: the recording file set on disk (prints and session events) and the
// same events (without prints) sent to auth; at the end, the files uploaded to auth.
import { randomUUID } from "node:crypto";
import type { KernelRecord } from "../bpf/index.js";
import {
  createEvent,
  enhancedEvent,
  lostEventsEvent,
  type EventFields,
  type LostCounts,
  type SessionEventContext,
  type SessionFields,
} from "../events/index.js";
import type { Logger } from "../log/index.js";
import { RecordingWriter, uploadDir, type CompletedRecording } from "../recording/index.js";
import type { RecordingDelivery } from "./delivery.js";
import { errorMessage } from "./errors.js";
import type { EventSender } from "./event-sender.js";

export interface SessionIdentity {
  sid: string;
  user: string;
  login: string;
  clusterName: string;
  serverId: string;
  serverHostname: string;
  serverAddr: string;
}

/** The fields every event of the session carries, in the events' own names. */
export function sessionFieldsOf(who: SessionIdentity): SessionFields {
  return {
    sid: who.sid,
    namespace: "default",
    user: who.user,
    login: who.login,
    server_id: who.serverId,
    server_hostname: who.serverHostname,
    server_addr: who.serverAddr,
  };
}

export type SessionEventType =
  "session.start" | "resize" | "exec" | "session.data" | "session.leave" | "session.end";

/** What a session reports to: a recording (session_recording node), or only the audit log (off). */
export interface SessionRecord {
  /** The session's own events (not prints or kernel records), with its common fields. */
  event(type: SessionEventType, fields: Readonly<Record<string, unknown>>): void;
  /** Terminal output; false when the caller should hold the program back until `drained()`. */
  print(bytes: Uint8Array): boolean;
  drained(): Promise<void>;
  kernel(record: KernelRecord, time: Date): void;
  lost(lost: LostCounts): void;
  /** Hands what is left to delivery, which gets it to auth. */
  finish(): Promise<void>;
}

export class SessionRecording implements SessionRecord {
  private constructor(
    private readonly who: SessionIdentity,
    private readonly writer: RecordingWriter,
    private readonly sender: EventSender,
    private readonly delivery: RecordingDelivery,
    private readonly logger: Logger,
  ) {}

  static async create(
    who: SessionIdentity,
    dataDir: string,
    sender: EventSender,
    delivery: RecordingDelivery,
    logger: Logger,
    startTime: Date,
  ): Promise<SessionRecording> {
    const writer = await RecordingWriter.create({
      dir: uploadDir(dataDir),
      sid: who.sid,
      startTime,
      onError: (err) =>
        logger.error({ component: "node", sid: who.sid, err }, "Writing the recording failed."),
    });
    return new SessionRecording(who, writer, sender, delivery, logger);
  }

  #common(): Omit<SessionEventContext, "ei" | "time" | "uid"> {
    return { ...sessionFieldsOf(this.who), cluster_name: this.who.clusterName };
  }

  // Queued: an event waits for the output printed before it to be hashed (on a worker thread).
  #record(event: object & { event: string }): void {
    this.writer.queueEvent(event, (written) => this.sender.push(written));
  }

  /** The session's own events (not prints or kernel records), with its common fields. */
  event(type: SessionEventType, fields: Readonly<Record<string, unknown>>): void {
    // createEvent's per-type field checks are bypassed here; the recording tests parse the result.
    const all = { ...this.#common(), ...fields } as unknown as EventFields<SessionEventType>;
    // The writer numbers events (ei): prints and BPF events share the sequence.
    this.#record(createEvent(type, all, { clusterName: this.who.clusterName }));
  }

  /**
   * Records terminal output. False when more output waits in memory for the disk than it
   * should: the caller should hold the program back until `drained()`.
   */
  print(bytes: Uint8Array, time = new Date()): boolean {
    this.writer.queuePrint(bytes, time);
    return !this.writer.backlogged;
  }

  drained(): Promise<void> {
    return this.writer.drained();
  }

  kernel(record: KernelRecord, time: Date): void {
    const context = { ...this.#common(), ei: this.writer.nextEi, time, uid: randomUUID() };
    this.#record(enhancedEvent(record, context));
  }

  lost(lost: LostCounts): void {
    const context = {
      ...this.#common(),
      ei: this.writer.nextEi,
      time: new Date(),
      uid: randomUUID(),
    };
    const event = lostEventsEvent({ lost }, context);
    if (event) this.#record(event);
  }

  /** Completes the files and hands the recording to delivery (events not yet sent go too). */
  async finish(): Promise<void> {
    let done: CompletedRecording;
    try {
      done = await this.writer.complete();
    } catch (error) {
      await this.#keepFailed(error);
      return;
    }
    await this.sender.close();
    this.delivery.enqueue(done, this.sender.allDelivered);
  }

  /**
   * The recording could not be written (a full disk): the writer closed its files as they are,
   * to be completed and delivered at the node's next start like a crashed session's, and the
   * events auth has not acknowledged go to the event spool, since the recording lacks them.
   */
  async #keepFailed(error: unknown): Promise<void> {
    const { sid } = this.who;
    await this.sender.close();
    const unsent = this.sender.takeUnsent();
    this.logger.error(
      { component: "node", sid, err: error },
      `The recording of session ${sid} is incomplete: ${errorMessage(error)}. The session went ` +
        "on; its output from then on was not recorded, its audit events were. What was written " +
        "stays in the upload folder and is delivered after the node restarts; free disk space first.",
    );
    if (unsent.dropped) {
      this.logger.error(
        { component: "node", sid },
        `Some audit events of session ${sid} were neither sent to auth nor written to disk.`,
      );
    }
    if (unsent.events.length === 0) return;
    try {
      await this.delivery.spoolEvents(unsent.events);
    } catch (spoolError) {
      this.logger.error(
        { component: "node", sid, events: unsent.events.length },
        `${unsent.events.length} audit events of session ${sid} cannot be kept for auth: ` +
          errorMessage(spoolError),
      );
    }
  }
}
