export { buildTimeline, type Frame, type Timeline } from "./frames.js";
export { asciicastLines } from "./asciicast.js";
export { screenText } from "./screen-text.js";
export {
  IDLE_LIMIT_MS,
  parseSpeed,
  replay,
  replayDelays,
  SPEEDS,
  type ReplayOptions,
  type Speed,
} from "./replay.js";
