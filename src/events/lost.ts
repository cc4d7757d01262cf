import { eventTime } from "./time.js";
import type { SessionEventContext } from "./enhanced.js";

type Counts = Record<"command" | "disk" | "network", number>;

export interface LostCounts {
  /** Records the kernel could not put in a full ring buffer. */
  kernel: Counts;
  /** Records dropped in user space because the pipeline was behind. */
  user: Counts;
}

/**
 * Ours, not Teleport's: a session that lost enhanced recording events says how many, of which
 * kind and where, so that a gap in the record is never silent.
 */
export interface LostEventsEvent extends Omit<SessionEventContext, "time"> {
  event: "session.events_lost";
  code: "T4003W";
  time: string;
  lost: LostCounts;
  total: number;
}

function sum(counts: Counts): number {
  return counts.command + counts.disk + counts.network;
}

/** The loss report of a session, or undefined when it lost nothing. */
export function lostEventsEvent(
  summary: { lost: LostCounts },
  context: SessionEventContext,
): LostEventsEvent | undefined {
  const total = sum(summary.lost.kernel) + sum(summary.lost.user);
  if (total === 0) return undefined;
  return {
    ...context,
    time: eventTime(context.time),
    event: "session.events_lost",
    code: "T4003W",
    lost: summary.lost,
    total,
  };
}
