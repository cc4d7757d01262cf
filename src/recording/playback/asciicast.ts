// asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a header line, then one
// [seconds, code, data] array per line: "o" output, "r" resize ("WxH"), "m" marker.
import type { Timeline } from "./frames.js";

function seconds(ms: number): number {
  return Math.round(ms) / 1000;
}

/** The timeline as asciicast v2 lines (each ending in "\n"). */
export function* asciicastLines(timeline: Timeline): Generator<string> {
  const header: Record<string, unknown> = {
    version: 2,
    width: timeline.cols,
    height: timeline.rows,
    timestamp: Math.floor(timeline.start.getTime() / 1000),
  };
  if (Object.keys(timeline.env).length > 0) header["env"] = timeline.env;
  yield `${JSON.stringify(header)}\n`;
  // One streaming decoder: a UTF-8 character split across two outputs stays whole.
  const decoder = new TextDecoder("utf-8");
  for (const frame of timeline.frames) {
    if (frame.type === "output") {
      const text = decoder.decode(frame.data, { stream: true });
      if (text !== "") yield `${JSON.stringify([seconds(frame.ms), "o", text])}\n`;
    } else if (frame.type === "resize") {
      yield `${JSON.stringify([seconds(frame.ms), "r", `${frame.cols}x${frame.rows}`])}\n`;
    } else {
      yield `${JSON.stringify([seconds(frame.ms), "m", frame.label])}\n`;
    }
  }
  const rest = decoder.decode();
  const lastMs = timeline.frames.at(-1)?.ms ?? 0;
  if (rest !== "") yield `${JSON.stringify([seconds(lastMs), "o", rest])}\n`;
}
