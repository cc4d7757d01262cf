// A recording as a player sees it: timed output, resizes and command markers.
import type { RecordedEvent } from "../types.js";

export type Frame =
  | { type: "output"; ms: number; data: Uint8Array }
  | { type: "resize"; ms: number; cols: number; rows: number }
  /** A command the session ran (session.command), for asciicast markers and players. */
  | { type: "marker"; ms: number; label: string };

export interface Timeline {
  sid: string;
  /** When the session started (session.start, else the first event). */
  start: Date;
  cols: number;
  rows: number;
  /** TERM and SHELL of the session when it said. */
  env: Record<string, string>;
  frames: Frame[];
}

const DEFAULT_SIZE = { cols: 80, rows: 24 };

/** "W:H" as Teleport writes terminal sizes. */
function parseSize(value: unknown): { cols: number; rows: number } | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^(\d+):(\d+)$/.exec(value);
  if (!match) return undefined;
  const cols = Number(match[1]);
  const rows = Number(match[2]);
  return cols > 0 && rows > 0 ? { cols, rows } : undefined;
}

function timeOf(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function commandLabel(fields: Record<string, unknown>): string {
  const path =
    typeof fields["path"] === "string" ? fields["path"] : String(fields["program"] ?? "");
  const argv = Array.isArray(fields["argv"]) ? fields["argv"].map(String) : [];
  return [path, ...argv].join(" ");
}

/** Builds the timeline of a recording from its events in ei order. */
export function buildTimeline(sid: string, events: Iterable<RecordedEvent>): Timeline {
  const frames: Frame[] = [];
  let start: number | undefined;
  let size: { cols: number; rows: number } | undefined;
  const env: Record<string, string> = {};
  let lastMs = 0;
  for (const recorded of events) {
    const fields = recorded.event;
    const time = timeOf(fields["time"]);
    if (start === undefined && time !== undefined) start = time;
    if (recorded.type === "print") {
      lastMs = recorded.event.ms;
      frames.push({ type: "output", ms: lastMs, data: recorded.data });
      continue;
    }
    // Other events have only wall-clock times: place them relative to the session start.
    const ms = time !== undefined && start !== undefined ? Math.max(0, time - start) : lastMs;
    if (fields.event === "session.start") {
      size = parseSize(fields["size"]) ?? size;
      if (time !== undefined) start = time;
      for (const key of ["TERM", "SHELL"]) {
        const value = fields[key.toLowerCase()] ?? fields[key];
        if (typeof value === "string") env[key] = value;
      }
    } else if (fields.event === "resize") {
      const resized = parseSize(fields["size"]);
      if (resized) frames.push({ type: "resize", ms, ...resized });
    } else if (fields.event === "session.command") {
      frames.push({ type: "marker", ms, label: commandLabel(fields) });
    }
  }
  // Wall-clock and print times come from different clocks: keep frames in time order.
  frames.sort((a, b) => a.ms - b.ms);
  const initial = size ?? DEFAULT_SIZE;
  return { sid, start: new Date(start ?? 0), cols: initial.cols, rows: initial.rows, env, frames };
}
