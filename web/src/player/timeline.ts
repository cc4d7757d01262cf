// A recording's timeline as the proxy serves it (GET …/recordings/:sid/timeline), and what a
// player derives from it: the terminal steps up to a moment, the command running at a moment and
// the enhanced events on their lanes. Pure: no DOM, so node --test checks it.

/** [ms since the session's start, "o" output | "r" resize, text or "COLSxROWS"]. */
export type OutputFrame = readonly [ms: number, kind: "o" | "r", data: string];

export interface TerminalSize {
  cols: number;
  rows: number;
}

export interface TimelineEvent {
  ms: number;
  event: string;
  code: string;
  program?: string;
  argv?: string[];
  path?: string;
  dst_addr?: string;
  dst_port?: number;
  return_code?: number;
  pid?: number;
  ppid?: number;
  summary: string;
  raw: Record<string, unknown>;
}

export interface Timeline {
  sid: string;
  start: string;
  duration_ms: number;
  size: TerminalSize;
  output: OutputFrame[];
  events: TimelineEvent[];
}

/** What to do to a terminal, in order; consecutive output is merged into one write. */
export type TerminalStep = { kind: "write"; data: string } | ({ kind: "resize" } & TerminalSize);

export const LANES = ["session.command", "session.network", "session.disk"] as const;
export type Lane = (typeof LANES)[number];

export function isLane(event: string): event is Lane {
  return (LANES as readonly string[]).includes(event);
}

/** "COLSxROWS" as asciicast writes resizes; undefined for anything else. */
export function parseSize(value: string): TerminalSize | undefined {
  const match = /^(\d+)x(\d+)$/.exec(value);
  if (!match) return undefined;
  const cols = Number(match[1]);
  const rows = Number(match[2]);
  return cols > 0 && rows > 0 ? { cols, rows } : undefined;
}

/** Index of the first frame later than `ms` (frames are in time order): frames before it have played. */
export function frameIndexAfter(output: readonly OutputFrame[], ms: number): number {
  let low = 0;
  let high = output.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((output[middle]?.[0] ?? 0) <= ms) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The steps for frames [from, to): what playback writes as time moves on. */
export function stepsBetween(
  output: readonly OutputFrame[],
  from: number,
  to: number,
): TerminalStep[] {
  const steps: TerminalStep[] = [];
  let pending: string[] = [];
  const flush = (): void => {
    if (pending.length > 0) steps.push({ kind: "write", data: pending.join("") });
    pending = [];
  };
  for (let i = from; i < to; i++) {
    const frame = output[i];
    if (!frame) break;
    const [, kind, data] = frame;
    if (kind === "o") {
      pending.push(data);
      continue;
    }
    const size = parseSize(data);
    if (size) {
      flush();
      steps.push({ kind: "resize", ...size });
    }
  }
  flush();
  return steps;
}

/**
 * A seek: the terminal is reset to the recording's first size, then everything up to `ms` is
 * written at once (a terminal's screen depends on all output before it, not on the last frame).
 */
export function stepsUpTo(timeline: Timeline, ms: number): TerminalStep[] {
  return [
    { kind: "resize", ...timeline.size },
    ...stepsBetween(timeline.output, 0, frameIndexAfter(timeline.output, ms)),
  ];
}

export type LaneEvent = TimelineEvent & { event: Lane };

/** The enhanced events of the session on their lanes, in time order. */
export function laneEvents(events: readonly TimelineEvent[]): LaneEvent[] {
  return events
    .filter((event): event is LaneEvent => isLane(event.event))
    .sort((a, b) => a.ms - b.ms);
}

/**
 * The command running at `ms`: the last session.command started at or before it. `events` is in
 * time order (laneEvents).
 */
export function commandAt(events: readonly TimelineEvent[], ms: number): TimelineEvent | undefined {
  let running: TimelineEvent | undefined;
  for (const event of events) {
    if (event.ms > ms) break;
    if (event.event === "session.command") running = event;
  }
  return running;
}

/** "curl -s http://…" from a session.command event (its program path and arguments). */
export function commandLine(event: TimelineEvent): string {
  const program = event.path ?? event.program ?? "";
  return [program, ...(event.argv ?? [])].join(" ");
}

/**
 * Which of `buckets` equal slices of the seek bar hold events of each lane: a session can open
 * thousands of files, and one mark per slice is what a bar can show.
 */
export function markBuckets(
  events: readonly TimelineEvent[],
  position: (ms: number) => number,
  duration: number,
  buckets: number,
): Map<Lane, number[]> {
  const marks = new Map<Lane, Set<number>>(LANES.map((lane) => [lane, new Set<number>()]));
  for (const event of events) {
    if (!isLane(event.event)) continue;
    const fraction = duration > 0 ? position(event.ms) / duration : 0;
    const bucket = Math.min(buckets - 1, Math.max(0, Math.floor(fraction * buckets)));
    marks.get(event.event)?.add(bucket);
  }
  return new Map([...marks].map(([lane, set]) => [lane, [...set].sort((a, b) => a - b)] as const));
}

/** How long the session lasts on the player: its duration, or later if output or events are. */
export function sessionLength(timeline: Timeline): number {
  const lastFrame = timeline.output.at(-1)?.[0] ?? 0;
  const lastEvent = timeline.events.reduce((latest, event) => Math.max(latest, event.ms), 0);
  return Math.max(timeline.duration_ms, lastFrame, lastEvent);
}
