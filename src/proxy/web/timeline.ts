// A recording as the web player uses it: the terminal output and resizes in time order, and
// beside them the session's events (commands, connections, file opens, start, end…) placed on
// the same clock, milliseconds since the session started, each with a line for people.
import { summarizeEvent } from "../../events/index.js";
import { buildTimeline, type RecordedEvent } from "../../recording/index.js";

/** Events the player shows: the enhanced ones on its timeline, the others in its list. */
const PLAYER_EVENTS = new Set([
  "session.command",
  "session.network",
  "session.disk",
  "session.start",
  "session.end",
  "session.join",
  "session.leave",
  "resize",
  "session.data",
  "session.events_lost",
]);

/** Fields the player reads without looking into `raw`. */
const PICKED = [
  "program",
  "argv",
  "path",
  "dst_addr",
  "dst_port",
  "return_code",
  "pid",
  "ppid",
] as const;

export type OutputFrame = [ms: number, code: "o" | "r", data: string];

export interface PlayerEvent {
  ms: number;
  event: string;
  code: string;
  summary: string;
  raw: Readonly<Record<string, unknown>>;
  [field: string]: unknown;
}

export interface PlayerTimeline {
  sid: string;
  start: string;
  duration_ms: number;
  size: { cols: number; rows: number };
  output: OutputFrame[];
  events: PlayerEvent[];
}

function timeOf(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function playerEvent(fields: Readonly<Record<string, unknown>>, ms: number): PlayerEvent {
  const event: PlayerEvent = {
    ms,
    event: String(fields["event"]),
    code: typeof fields["code"] === "string" ? fields["code"] : "",
    summary: summarizeEvent(fields),
    raw: fields,
  };
  for (const key of PICKED) {
    if (fields[key] !== undefined) event[key] = fields[key];
  }
  return event;
}

/** The player's view of a recording read back in ei order. */
export function playerTimeline(sid: string, recorded: readonly RecordedEvent[]): PlayerTimeline {
  const timeline = buildTimeline(sid, recorded);
  const start = timeline.start.getTime();
  const output: OutputFrame[] = [];
  // One streaming decoder: a UTF-8 character split across two prints stays whole.
  const decoder = new TextDecoder("utf-8");
  for (const frame of timeline.frames) {
    if (frame.type === "output") {
      const text = decoder.decode(frame.data, { stream: true });
      if (text !== "") output.push([frame.ms, "o", text]);
    } else if (frame.type === "resize") {
      output.push([frame.ms, "r", `${frame.cols}x${frame.rows}`]);
    }
  }
  const rest = decoder.decode();
  if (rest !== "") output.push([output.at(-1)?.[0] ?? 0, "o", rest]);

  const events: PlayerEvent[] = [];
  for (const { type, event } of recorded) {
    if (type !== "event" || !PLAYER_EVENTS.has(event.event)) continue;
    const time = timeOf(event["time"]);
    events.push(playerEvent(event, time === undefined ? 0 : Math.max(0, time - start)));
  }
  // Wall-clock times of events written in one batch need not be in ei order.
  events.sort((a, b) => a.ms - b.ms);
  const duration = Math.max(output.at(-1)?.[0] ?? 0, events.at(-1)?.ms ?? 0);
  return {
    sid,
    start: timeline.start.toISOString(),
    duration_ms: duration,
    size: { cols: timeline.cols, rows: timeline.rows },
    output,
    events,
  };
}
