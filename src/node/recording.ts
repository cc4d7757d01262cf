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
} from "../events/index.js";
import type { Logger } from "../log/index.js";
import { RecordingWriter, uploadDir } from "../recording/index.js";
import type { RecordingDelivery } from "./delivery.js";
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
    return new SessionRecording(who, writer, sender, delivery);
  }

  #common(): Omit<SessionEventContext, "ei" | "time" | "uid"> {
    return {
      sid: this.who.sid,
      namespace: "default",
      cluster_name: this.who.clusterName,
      user: this.who.user,
      login: this.who.login,
      server_id: this.who.serverId,
      server_hostname: this.who.serverHostname,
      server_addr: this.who.serverAddr,
    };
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
    const done = await this.writer.complete();
    await this.sender.close();
    this.delivery.enqueue(done, this.sender.allDelivered);
  }
}
