// Replays a timeline to a terminal with its original timing.
import { setTimeout as sleep } from "node:timers/promises";
import type { Timeline } from "./frames.js";

/** The speeds `tsh play --speed` takes. */
export const SPEEDS = ["0.5x", "1x", "2x", "4x", "8x"] as const;
export type Speed = (typeof SPEEDS)[number];

/** With --skip-idle-time, a pause longer than this is cut down to it. */
export const IDLE_LIMIT_MS = 500;

export interface ReplayOptions {
  speed?: Speed;
  skipIdleTime?: boolean;
  write(data: Uint8Array): void;
  /** Waits; tests pass one that records the delays instead of sleeping. */
  wait?: (ms: number) => Promise<void>;
  /** Called on resize frames (e.g. to print a note, or resize a window). */
  resize?: (cols: number, rows: number) => void;
}

export function parseSpeed(text: string): Speed {
  const found = SPEEDS.find((s) => s === text || s === `${text}x`);
  if (!found) throw new Error(`expected a speed from ${SPEEDS.join(", ")}, got "${text}"`);
  return found;
}

/** The delays replay waits before each output, after speed and idle skipping. */
export function replayDelays(timeline: Timeline, speed: Speed, skipIdleTime: boolean): number[] {
  const factor = Number.parseFloat(speed);
  const delays: number[] = [];
  let previous = 0;
  for (const frame of timeline.frames) {
    let gap = Math.max(0, frame.ms - previous);
    previous = frame.ms;
    if (skipIdleTime) gap = Math.min(gap, IDLE_LIMIT_MS);
    delays.push(gap / factor);
  }
  return delays;
}

export async function replay(timeline: Timeline, options: ReplayOptions): Promise<void> {
  const wait = options.wait ?? ((ms: number) => sleep(ms).then(() => undefined));
  const delays = replayDelays(timeline, options.speed ?? "1x", options.skipIdleTime ?? false);
  for (const [i, frame] of timeline.frames.entries()) {
    const delay = delays[i] ?? 0;
    if (delay > 0) await wait(delay);
    if (frame.type === "output") options.write(frame.data);
    else if (frame.type === "resize") options.resize?.(frame.cols, frame.rows);
  }
}
