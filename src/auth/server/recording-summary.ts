// The summary of a recording (who, where, when, how many commands, connections and file opens)
// built from its events in one pass: while a recording is verified for publishing, or once
// later for a recording published before summaries were kept. Auth lists recordings and decides
// who took part in a session from it, so nothing needs to read a whole recording twice.
import { z } from "zod";
import { recordingSummary, type RecordingSummary } from "../api/index.js";
import type { StoredEvent } from "../../recording/index.js";

/** The file auth keeps per recording: the summary and the version of the code that made it. */
export const storedSummary = z.object({
  version: z.literal(1),
  summary: recordingSummary,
});

const COUNTED = {
  "session.command": "command",
  "session.network": "network",
  "session.disk": "disk",
} as const;

function isCounted(name: string): name is keyof typeof COUNTED {
  return Object.hasOwn(COUNTED, name);
}

function text(event: StoredEvent | undefined, key: string): string | undefined {
  const value = event?.[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function flag(event: StoredEvent | undefined, key: string): boolean | undefined {
  const value = event?.[key];
  return typeof value === "boolean" ? value : undefined;
}

function timeOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export class SummaryBuilder {
  #start: StoredEvent | undefined;
  #end: StoredEvent | undefined;
  #first: number | undefined;
  #last: number | undefined;
  readonly #counts = { command: 0, network: 0, disk: 0 };

  add(event: StoredEvent): void {
    const time = timeOf(text(event, "time"));
    if (time !== undefined) {
      this.#first = Math.min(this.#first ?? time, time);
      this.#last = Math.max(this.#last ?? time, time);
    }
    if (event.event === "session.start") this.#start ??= event;
    else if (event.event === "session.end") this.#end = event;
    else if (isCounted(event.event)) this.#counts[COUNTED[event.event]] += 1;
  }

  /** The summary; `recordingStart` is the index's start time, for a recording without session.start. */
  finish(recordingStart: string | undefined): RecordingSummary {
    const start = this.#start;
    const end = this.#end;
    const either = (key: string): string => text(start, key) ?? text(end, key) ?? "";
    const startMs =
      timeOf(text(start, "time")) ??
      timeOf(text(end, "session_start")) ??
      timeOf(recordingStart) ??
      this.#first ??
      0;
    const endMs = Math.max(
      startMs,
      timeOf(text(end, "session_stop")) ?? timeOf(text(end, "time")) ?? this.#last ?? startMs,
    );
    const user = either("user");
    const participants = end?.["participants"];
    const counts = { ...this.#counts };
    return {
      start: new Date(startMs).toISOString(),
      end: new Date(endMs).toISOString(),
      durationMs: endMs - startMs,
      user,
      login: either("login"),
      participants: Array.isArray(participants)
        ? participants.filter((p): p is string => typeof p === "string")
        : user === ""
          ? []
          : [user],
      serverId: either("server_id"),
      serverHostname: either("server_hostname"),
      interactive: flag(end, "interactive") ?? flag(start, "interactive") ?? false,
      enhancedRecording:
        flag(end, "enhanced_recording") ?? counts.command + counts.network + counts.disk > 0,
      counts,
    };
  }
}

/** True when `user` started or joined the summarized session. */
export function tookPart(summary: RecordingSummary, user: string): boolean {
  return summary.user === user || summary.participants.includes(user);
}
