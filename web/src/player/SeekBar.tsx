// The seek bar: a range input in playback time (arrow keys move 5 s, Page Up/Down 30 s), with a
// row of marks per event lane above it. The marks only draw; the event list is what a keyboard
// or a screen reader uses.
import { useMemo, type KeyboardEvent } from "react";
import type { PlaybackState } from "./engine.js";
import { formatClock } from "./time.js";
import { LANES, markBuckets, type TimelineEvent } from "./timeline.js";

const BUCKETS = 200;
const STEP_MS = 5000;
const PAGE_MS = 30_000;

export const LANE_NAMES = {
  "session.command": "command",
  "session.network": "network",
  "session.disk": "disk",
} as const;

interface SeekBarProps {
  state: PlaybackState;
  events: readonly TimelineEvent[];
  onSeek(position: number): void;
}

export function SeekBar({ state, events, onSeek }: SeekBarProps) {
  const { map, duration, position } = state;
  const marks = useMemo(
    () => markBuckets(events, (ms) => map.toPlayback(ms), map.duration, BUCKETS),
    [events, map],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    const moves: Record<string, number> = {
      ArrowLeft: position - STEP_MS,
      ArrowDown: position - STEP_MS,
      ArrowRight: position + STEP_MS,
      ArrowUp: position + STEP_MS,
      PageDown: position - PAGE_MS,
      PageUp: position + PAGE_MS,
      Home: 0,
      End: duration,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    onSeek(Math.min(Math.max(target, 0), duration));
  };

  return (
    <div className="player-seek">
      <div className="player-marks" aria-hidden="true">
        {LANES.map((lane) => (
          <div key={lane} className={`player-mark-row player-lane-${LANE_NAMES[lane]}`}>
            {(marks.get(lane) ?? []).map((bucket) => (
              <span key={bucket} style={{ left: `${(bucket * 100) / BUCKETS}%` }} />
            ))}
          </div>
        ))}
      </div>
      <input
        type="range"
        aria-label="Seek"
        aria-keyshortcuts="ArrowLeft ArrowRight PageUp PageDown Home End"
        aria-valuetext={`${formatClock(state.sessionMs)} of ${formatClock(state.sessionDuration)}`}
        min={0}
        max={duration}
        step="any"
        value={position}
        onChange={(event) => onSeek(Number(event.currentTarget.value))}
        onKeyDown={onKeyDown}
      />
    </div>
  );
}
