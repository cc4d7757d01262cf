// What the screen showed: the output run through a terminal emulator, so escape sequences,
// cursor moves and backspaces are resolved the way a terminal resolves them.
import xterm from "@xterm/headless";
import type { Timeline } from "./frames.js";

const SCROLLBACK_LINES = 100_000;

function write(terminal: xterm.Terminal, data: Uint8Array): Promise<void> {
  return new Promise((resolve) => terminal.write(data, resolve));
}

/** The text of the terminal (scrollback and screen) after the whole recording, trailing blanks trimmed. */
export async function screenText(timeline: Timeline): Promise<string> {
  const terminal = new xterm.Terminal({
    cols: timeline.cols,
    rows: timeline.rows,
    scrollback: SCROLLBACK_LINES,
    allowProposedApi: true,
  });
  try {
    for (const frame of timeline.frames) {
      if (frame.type === "output") await write(terminal, frame.data);
      else if (frame.type === "resize") terminal.resize(frame.cols, frame.rows);
    }
    const buffer = terminal.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++)
      lines.push(buffer.getLine(i)?.translateToString(true) ?? "");
    while (lines.length > 0 && lines.at(-1) === "") lines.pop();
    return lines.length > 0 ? `${lines.join("\n")}\n` : "";
  } finally {
    terminal.dispose();
  }
}
