// The session's commands, network connections and file opens on the replay's timeline: a button
// per event seeks the terminal to its moment; the command running at the moment on screen is
// marked (aria-current) and kept in view as playback moves.
import { memo, useEffect, useMemo, useRef, useState } from "react";
import { LANE_NAMES } from "./SeekBar.js";
import { formatClock } from "./time.js";
import { LANES, type Lane, type LaneEvent, type TimelineEvent } from "./timeline.js";

const LANE_LABELS: Record<Lane, string> = {
  "session.command": "Commands",
  "session.network": "Network",
  "session.disk": "Files",
};

interface EventListProps {
  /** In time order. */
  events: readonly LaneEvent[];
  running: TimelineEvent | undefined;
  onSeek(ms: number): void;
}

export const EventList = memo(function EventList({ events, running, onSeek }: EventListProps) {
  const [shown, setShown] = useState<ReadonlySet<Lane>>(() => new Set(LANES));
  const list = useRef<HTMLOListElement>(null);
  const current = useRef<HTMLButtonElement>(null);

  const counts = useMemo(() => {
    const byLane = new Map<Lane, number>(LANES.map((lane) => [lane, 0]));
    for (const event of events) {
      byLane.set(event.event, (byLane.get(event.event) ?? 0) + 1);
    }
    return byLane;
  }, [events]);

  // Scroll the list itself (never the page) so the running command stays in sight.
  useEffect(() => {
    const box = list.current;
    const item = current.current;
    if (box === null || item === null || box.scrollHeight <= box.clientHeight) return;
    const boxTop = box.getBoundingClientRect().top;
    const { top, bottom } = item.getBoundingClientRect();
    if (top < boxTop || bottom > boxTop + box.clientHeight) {
      box.scrollTop += top - boxTop - box.clientHeight / 3;
    }
  }, [running, shown]);

  const toggle = (lane: Lane, on: boolean): void => {
    const next = new Set(shown);
    if (on) next.add(lane);
    else next.delete(lane);
    setShown(next);
  };

  return (
    <section className="player-events" aria-labelledby="player-events-title">
      <h2 id="player-events-title">Session events</h2>
      <fieldset className="player-lanes">
        <legend>Show</legend>
        {LANES.map((lane) => (
          <label key={lane} className={`player-lane-${LANE_NAMES[lane]}`}>
            <input
              type="checkbox"
              checked={shown.has(lane)}
              onChange={(event) => toggle(lane, event.currentTarget.checked)}
            />{" "}
            {LANE_LABELS[lane]} ({counts.get(lane) ?? 0})
          </label>
        ))}
      </fieldset>
      {events.length === 0 ? (
        <p>
          No commands, network connections or file opens were recorded for this session (it was
          recorded without enhanced recording, or ran none).
        </p>
      ) : (
        <ol className="player-event-list" ref={list}>
          {events.map((event, index) =>
            shown.has(event.event) ? (
              <li key={index} className={`player-lane-${LANE_NAMES[event.event]}`}>
                <button
                  type="button"
                  ref={event === running ? current : undefined}
                  aria-current={event === running ? "true" : undefined}
                  data-ms={event.ms}
                  onClick={() => onSeek(event.ms)}
                >
                  <time>{formatClock(event.ms)}</time>
                  <span className="player-event-kind">{LANE_NAMES[event.event]}</span>
                  <span className="player-event-summary">{event.summary}</span>
                </button>
              </li>
            ) : null,
          )}
        </ol>
      )}
    </section>
  );
});
