// Play/pause, the time, speed, skipping idle time, and a link to the moment on screen.
import { useState } from "react";
import { SPEEDS, type Speed } from "./clock.js";
import type { PlaybackEngine, PlaybackState } from "./engine.js";
import { formatClock, timeParam } from "./time.js";

/** This page's address with ?t= at `ms`. */
function linkTo(ms: number): URL {
  const url = new URL(window.location.href);
  url.searchParams.set("t", timeParam(ms));
  return url;
}

function isSpeed(value: number): value is Speed {
  return (SPEEDS as readonly number[]).includes(value);
}

export function Controls({ engine, state }: { engine: PlaybackEngine; state: PlaybackState }) {
  const [copied, setCopied] = useState("");

  const copyLink = async (): Promise<void> => {
    const url = linkTo(state.sessionMs);
    // The address bar carries the moment too, so it is at hand even where copying is refused.
    window.history.replaceState(window.history.state, "", url);
    try {
      await navigator.clipboard.writeText(url.href);
      setCopied(`Link to ${formatClock(state.sessionMs)} copied.`);
    } catch {
      setCopied(
        `The browser refused to copy: the address bar has the link to ${formatClock(state.sessionMs)}.`,
      );
    }
  };

  return (
    <div className="player-controls">
      <button
        type="button"
        className="player-play"
        aria-keyshortcuts="Space"
        onClick={() => engine.toggle()}
      >
        {state.playing ? "Pause" : "Play"}
      </button>
      <span className="player-time">
        {formatClock(state.sessionMs)} / {formatClock(state.sessionDuration)}
      </span>
      <label>
        Speed{" "}
        <select
          value={state.speed}
          onChange={(event) => {
            const speed = Number(event.currentTarget.value);
            if (isSpeed(speed)) engine.setSpeed(speed);
          }}
        >
          {SPEEDS.map((speed) => (
            <option key={speed} value={speed}>
              {speed}×
            </option>
          ))}
        </select>
      </label>
      <label>
        <input
          type="checkbox"
          checked={state.skipIdle}
          onChange={(event) => engine.setSkipIdle(event.currentTarget.checked)}
        />{" "}
        Skip idle time
      </label>
      <button type="button" onClick={() => void copyLink()}>
        Copy link to this moment
      </button>
      <span role="status" className="player-status">
        {copied}
      </span>
    </div>
  );
}
