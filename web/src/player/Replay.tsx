// A loaded recording replayed in a terminal, and beside it (below, in a narrow window) the
// session's commands, network connections and file opens on the same timeline. Space plays and
// pauses. Loaded on its own (xterm.js is most of the app's weight).
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from "react";
import { Controls } from "./Controls.js";
import { PlaybackEngine, type PlaybackState, type Scheduler } from "./engine.js";
import { EventList } from "./EventList.js";
import "./player.css";
import { SearchBox } from "./SearchBox.js";
import { SeekBar } from "./SeekBar.js";
import {
  commandAt,
  commandLine,
  laneEvents,
  type Timeline,
  type TimelineEvent,
} from "./timeline.js";
import { useTerminal } from "./useTerminal.js";

const browserScheduler: Scheduler = {
  now: () => performance.now(),
  frame: (callback) => requestAnimationFrame(callback),
  cancel: (id) => cancelAnimationFrame(id),
};

const idle = (): (() => void) => () => undefined;
const none = (): undefined => undefined;

function usePlaybackState(engine: PlaybackEngine | undefined): PlaybackState | undefined {
  return useSyncExternalStore(engine?.subscribe ?? idle, engine?.snapshot ?? none);
}

/** Space plays or pauses, except where it types or presses (text fields, buttons, lists, links). */
function spaceToggles(target: EventTarget): boolean {
  if (!(target instanceof HTMLElement)) return true;
  if (target.classList.contains("xterm-helper-textarea")) return true;
  if (target instanceof HTMLInputElement) return target.type === "range";
  return !(
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    target instanceof HTMLButtonElement ||
    target instanceof HTMLAnchorElement ||
    target.isContentEditable
  );
}

/** The last command started at the moment on screen; the kernel's return code says whether
 * it started at all (exec's result, not the command's exit status). */
function RunningCommand({ command }: { command: TimelineEvent | undefined }) {
  if (command === undefined) return <p className="player-running">No command has started yet.</p>;
  const code = command.return_code;
  return (
    <p className="player-running">
      {code === undefined || code === 0 ? "Running " : "Failed to start "}
      <code>{commandLine(command)}</code>
      {code === undefined || code === 0 ? null : ` (error ${code})`}
    </p>
  );
}

export function Replay({ timeline, startMs }: { timeline: Timeline; startMs: number }) {
  const { container, replay } = useTerminal(timeline.size);
  const [engine, setEngine] = useState<PlaybackEngine>();
  const state = usePlaybackState(engine);
  const events = useMemo(() => laneEvents(timeline.events), [timeline]);

  useEffect(() => {
    if (replay === undefined) return;
    const created = new PlaybackEngine(timeline, replay.terminal, browserScheduler);
    void created.seekTo(startMs);
    setEngine(created);
    return () => {
      created.dispose();
      setEngine(undefined);
    };
    // startMs is where the recording opens, not something to follow afterwards.
  }, [replay, timeline]);

  // An event's moment is worth seeing: in a narrow window the list is below the terminal.
  const seekToEvent = useCallback(
    (ms: number) => {
      void engine?.seekTo(ms);
      container.current?.scrollIntoView({ block: "nearest" });
    },
    [engine, container],
  );
  const running = state === undefined ? undefined : commandAt(events, state.sessionMs);

  // Space anywhere on the page (not only inside the player), before xterm.js sees it.
  useEffect(() => {
    if (engine === undefined) return;
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.key !== " " || event.defaultPrevented || event.target === null) return;
      if (!spaceToggles(event.target)) return;
      event.preventDefault();
      event.stopPropagation();
      engine.toggle();
    };
    window.addEventListener("keydown", onKeyDown, { capture: true });
    return () => window.removeEventListener("keydown", onKeyDown, { capture: true });
  }, [engine]);

  return (
    <div className="player" data-session-ms={state?.sessionMs} data-playing={state?.playing}>
      <div className="player-main">
        <div
          className="player-screen"
          ref={container}
          role="region"
          aria-label="Terminal replay of the session"
        />
        {engine === undefined || state === undefined || replay === undefined ? (
          <p aria-live="polite">Preparing the terminal…</p>
        ) : (
          <>
            <SeekBar state={state} events={events} onSeek={(p) => void engine.seekPosition(p)} />
            <Controls engine={engine} state={state} />
            <RunningCommand command={running} />
            <SearchBox output={timeline.output} engine={engine} replay={replay} />
          </>
        )}
      </div>
      <EventList events={events} running={running} onSeek={seekToEvent} />
    </div>
  );
}
