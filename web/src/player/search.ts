// Search in a recording's output: the text a reader saw, without the terminal's control
// sequences, with the time each character was written, so a match can be played to.
import type { OutputFrame } from "./timeline.js";

export interface SearchMatch {
  /** When the match's last character was written (ms since the session's start). */
  ms: number;
  /** The line around the match, for a list of results. */
  preview: string;
}

/** Code units and, for each, the index of the frame that wrote it; grows like a vector. */
class PlainText {
  units = new Uint16Array(1024);
  frames = new Int32Array(1024);
  length = 0;

  push(unit: number, frame: number): void {
    if (this.length === this.units.length) {
      const units = new Uint16Array(this.length * 2);
      units.set(this.units);
      this.units = units;
      const frames = new Int32Array(this.length * 2);
      frames.set(this.frames);
      this.frames = frames;
    }
    this.units[this.length] = unit;
    this.frames[this.length] = frame;
    this.length++;
  }

  /** A backspace takes back the character before it on the same line (line editing echoes it). */
  pop(): void {
    if (this.length > 0 && this.units[this.length - 1] !== NEWLINE) this.length--;
  }

  text(): string {
    const chunks: string[] = [];
    for (let i = 0; i < this.length; i += 8192) {
      chunks.push(String.fromCharCode(...this.units.subarray(i, Math.min(i + 8192, this.length))));
    }
    return chunks.join("");
  }
}

const ESC = 0x1b;
const BEL = 0x07;
const BACKSPACE = 0x08;
const NEWLINE = 0x0a;

type State = "text" | "escape" | "csi" | "string" | "stringEscape" | "charset";

/** The output as plain text (escape sequences dropped, \r dropped, backspaces applied). */
function plainText(output: readonly OutputFrame[]): PlainText {
  const plain = new PlainText();
  let state: State = "text";
  output.forEach(([, kind, data], frame) => {
    if (kind !== "o") return;
    for (let i = 0; i < data.length; i++) {
      const unit = data.charCodeAt(i);
      switch (state) {
        case "text":
          if (unit === ESC) state = "escape";
          else if (unit === BACKSPACE) plain.pop();
          else if (unit === NEWLINE || (unit >= 0x20 && unit !== 0x7f)) plain.push(unit, frame);
          break;
        case "escape":
          // ESC [ starts a control sequence; ESC ] P _ ^ X a string ended by BEL or ESC \;
          // ESC ( ) * + a charset choice with one more character; anything else is complete.
          if (unit === 0x5b) state = "csi";
          else if ([0x5d, 0x50, 0x5f, 0x5e, 0x58].includes(unit)) state = "string";
          else if ([0x28, 0x29, 0x2a, 0x2b].includes(unit)) state = "charset";
          else state = "text";
          break;
        case "csi":
          if (unit >= 0x40 && unit <= 0x7e) state = "text";
          break;
        case "string":
          if (unit === BEL) state = "text";
          else if (unit === ESC) state = "stringEscape";
          break;
        case "stringEscape":
          state = unit === 0x5c ? "text" : "string";
          break;
        case "charset":
          state = "text";
          break;
      }
    }
  });
  return plain;
}

/** Lower case that keeps every code unit in place (a few characters lengthen when lowered). */
function fold(text: string): string {
  let folded = "";
  for (const char of text) {
    const lower = char.toLowerCase();
    folded += lower.length === char.length ? lower : char;
  }
  return folded;
}

function previewAt(text: string, start: number, end: number): string {
  const lineStart = text.lastIndexOf("\n", start - 1) + 1;
  const newline = text.indexOf("\n", end);
  const lineEnd = newline === -1 ? text.length : newline;
  const from = Math.max(lineStart, start - 40);
  const to = Math.min(lineEnd, end + 40);
  return `${from > lineStart ? "…" : ""}${text.slice(from, to)}${to < lineEnd ? "…" : ""}`;
}

interface Searchable {
  plain: PlainText;
  text: string;
  folded: string;
}

// A recording's output is searched again for every query: its plain text is made once.
const searchable = new WeakMap<readonly OutputFrame[], Searchable>();

function searchableText(output: readonly OutputFrame[]): Searchable {
  let found = searchable.get(output);
  if (found === undefined) {
    const plain = plainText(output);
    const text = plain.text();
    found = { plain, text, folded: fold(text) };
    searchable.set(output, found);
  }
  return found;
}

/** Every match of `query` (case-insensitive) in the output, in the order of the text. */
export function searchOutput(output: readonly OutputFrame[], query: string): SearchMatch[] {
  if (query === "") return [];
  const { plain, text, folded: haystack } = searchableText(output);
  const needle = fold(query);
  const matches: SearchMatch[] = [];
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) {
    const end = at + needle.length;
    const frame = output[plain.frames[end - 1] ?? 0];
    matches.push({ ms: frame?.[0] ?? 0, preview: previewAt(text, at, end) });
  }
  return matches;
}

/**
 * Which match Enter goes to: the one after (or, going back, before) the last one shown, else the
 * first at or after the moment on screen (the last at or before it), wrapping around.
 */
export function nextMatch(
  matches: readonly SearchMatch[],
  shown: number | undefined,
  ms: number,
  back: boolean,
): number {
  const count = matches.length;
  if (shown !== undefined) return (shown + (back ? count - 1 : 1)) % count;
  if (back) {
    const before = matches.findLastIndex((match) => match.ms <= ms);
    return before === -1 ? count - 1 : before;
  }
  const after = matches.findIndex((match) => match.ms >= ms);
  return after === -1 ? 0 : after;
}
