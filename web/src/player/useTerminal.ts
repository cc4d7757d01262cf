// An xterm.js terminal for replay: the recording's own size in columns and rows (output is laid
// out for it), read-only, with the search addon, and a font that shrinks so those columns fit
// the page (down to a readable size; past that the screen scrolls sideways).
import { SearchAddon } from "@xterm/addon-search";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { useEffect, useRef, useState, type RefObject } from "react";
import type { TerminalSize } from "./timeline.js";

const MAX_FONT = 15;
const MIN_FONT = 8;

export interface ReplayTerminal {
  terminal: Terminal;
  search: SearchAddon;
}

/** The largest whole font size at which the terminal's columns fit `available` pixels. */
function fittingFont(terminal: Terminal, available: number): number | undefined {
  const screen = terminal.element?.querySelector(".xterm-screen");
  const width = screen?.getBoundingClientRect().width ?? 0;
  const font = terminal.options.fontSize ?? MAX_FONT;
  if (width === 0 || available <= 0) return undefined;
  // Cell width grows in proportion to the font size.
  return Math.min(MAX_FONT, Math.max(MIN_FONT, Math.floor((font * available) / width)));
}

export function useTerminal(size: TerminalSize): {
  container: RefObject<HTMLDivElement | null>;
  replay: ReplayTerminal | undefined;
} {
  const container = useRef<HTMLDivElement>(null);
  const [replay, setReplay] = useState<ReplayTerminal>();

  useEffect(() => {
    const element = container.current;
    if (element === null) return;
    const terminal = new Terminal({
      cols: size.cols,
      rows: size.rows,
      fontSize: MAX_FONT,
      fontFamily: "ui-monospace, 'DejaVu Sans Mono', 'Liberation Mono', monospace",
      disableStdin: true,
      cursorBlink: false,
      scrollback: 10_000,
      // The search addon's highlight decorations are a proposed API.
      allowProposedApi: true,
      theme: { background: "#11151c", foreground: "#e6e6e6" },
    });
    const search = new SearchAddon();
    terminal.loadAddon(search);
    terminal.open(element);

    // Refit when the page's width or the recording's column count changes, once per change:
    // a new font size changes the terminal's height, which must not refit again.
    let fitted = "";
    const fit = (): void => {
      const key = `${element.clientWidth}x${terminal.cols}`;
      if (key === fitted) return;
      fitted = key;
      const font = fittingFont(terminal, element.clientWidth);
      if (font !== undefined && font !== terminal.options.fontSize) {
        terminal.options.fontSize = font;
      }
    };
    const observer = new ResizeObserver(fit);
    observer.observe(element);
    const resized = terminal.onResize(fit);
    fit();
    setReplay({ terminal, search });
    return () => {
      setReplay(undefined);
      resized.dispose();
      observer.disconnect();
      terminal.dispose();
    };
  }, [size.cols, size.rows]);

  return { container, replay };
}
