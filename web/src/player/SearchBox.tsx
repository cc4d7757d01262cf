// Search in the output: Enter plays to the next match (Shift+Enter the previous one), pauses
// there and highlights the match on the terminal.
import { useState, type KeyboardEvent } from "react";
import type { PlaybackEngine } from "./engine.js";
import { nextMatch, searchOutput, type SearchMatch } from "./search.js";
import { formatClock } from "./time.js";
import type { OutputFrame } from "./timeline.js";
import type { ReplayTerminal } from "./useTerminal.js";

const HIGHLIGHT = {
  matchBackground: "#5c4a00",
  matchOverviewRuler: "#ffd54f",
  activeMatchBackground: "#b8860b",
  activeMatchColorOverviewRuler: "#ffb300",
};

interface SearchBoxProps {
  output: readonly OutputFrame[];
  engine: PlaybackEngine;
  replay: ReplayTerminal;
}

interface Found {
  query: string;
  matches: SearchMatch[];
  index: number;
}

export function SearchBox({ output, engine, replay }: SearchBoxProps) {
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<Found>();

  const go = async (back: boolean): Promise<void> => {
    if (query === "") return;
    const same = found?.query === query ? found : undefined;
    const matches = same?.matches ?? searchOutput(output, query);
    if (matches.length === 0) {
      setFound({ query, matches, index: -1 });
      replay.search.clearDecorations();
      return;
    }
    const index = nextMatch(matches, same?.index, engine.snapshot().sessionMs, back);
    setFound({ query, matches, index });
    engine.pause();
    await engine.seekTo(matches[index]?.ms ?? 0);
    // The match ends in the last frame written: it is the last occurrence on the terminal.
    replay.search.clearDecorations();
    replay.terminal.clearSelection();
    replay.search.findPrevious(query, { decorations: HIGHLIGHT });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key !== "Enter") return;
    event.preventDefault();
    void go(event.shiftKey);
  };

  const match = found && found.index >= 0 ? found.matches[found.index] : undefined;
  let status = "";
  if (found?.index === -1) status = `No match for “${found.query}”.`;
  else if (found && match) {
    status = `Match ${found.index + 1} of ${found.matches.length} at ${formatClock(match.ms)}: ${match.preview}`;
  }

  return (
    <div role="search" className="player-search">
      <label>
        Search in the output{" "}
        <input
          type="search"
          value={query}
          aria-keyshortcuts="Enter Shift+Enter"
          onChange={(event) => {
            setQuery(event.currentTarget.value);
            setFound(undefined);
          }}
          onKeyDown={onKeyDown}
        />
      </label>
      <button type="button" disabled={query === ""} onClick={() => void go(false)}>
        Next match
      </button>
      <button type="button" disabled={query === ""} onClick={() => void go(true)}>
        Previous match
      </button>
      <span role="status" className="player-status">
        {status}
      </span>
    </div>
  );
}
