// Go-style durations ("5m", "1h30m", "30h0m0s") as tctl flags and role options write them,
// and the English ("5 minutes") tctl prints.

/** A duration that cannot be read; the text is shown because durations are not secrets. */
export class DurationError extends Error {
  override readonly name = "DurationError";
}

const MS_PER: Readonly<Record<string, number>> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const EXAMPLES = "such as 5m, 1h30m, 30s or 24h";
// One number and its unit; the unit is read whole ("ms", "us") and then looked up.
const PART = String.raw`(\d+(?:\.\d*)?|\.\d+)([a-zµ]+)`;

/** Milliseconds in a Go duration string; throws DurationError naming what is wrong. */
export function parseGoDuration(text: string): number {
  const invalid = (why: string): DurationError =>
    new DurationError(`invalid duration ${JSON.stringify(text)}: ${why}`);
  if (text === "0") return 0;
  if (text.trim() === "") throw invalid(`expected a number and a unit, ${EXAMPLES}`);
  if (text.startsWith("-")) throw invalid("a duration cannot be negative");
  let total = 0;
  const part = new RegExp(PART, "y");
  while (part.lastIndex < text.length) {
    const at = part.lastIndex;
    const match = part.exec(text);
    if (match === null) {
      throw invalid(
        `expected a number and a unit at ${JSON.stringify(text.slice(at))}, ${EXAMPLES}`,
      );
    }
    const [, amount = "", unit = ""] = match;
    const scale = MS_PER[unit];
    if (scale === undefined) {
      throw invalid(`unknown unit ${JSON.stringify(unit)}: use h, m, s or ms, ${EXAMPLES}`);
    }
    total += Number(amount) * scale;
  }
  if (!Number.isSafeInteger(Math.round(total))) throw invalid("the duration is too long");
  return Math.round(total);
}

function split(ms: number): { h: number; m: number; s: number; frac: number } {
  const whole = Math.floor(ms / 1000);
  return {
    h: Math.floor(whole / 3600),
    m: Math.floor((whole % 3600) / 60),
    s: whole % 60,
    frac: ms % 1000,
  };
}

/** Go's Duration.String(): "30h0m0s", "5m0s", "1m30s", "1.5s", "500ms", "0s". */
export function formatGoDuration(ms: number): string {
  if (ms < 0) return `-${formatGoDuration(-ms)}`;
  if (ms === 0) return "0s";
  if (ms < 1000) return `${ms}ms`;
  const { h, m, s, frac } = split(Math.round(ms));
  const fraction = frac === 0 ? "" : `.${String(frac).padStart(3, "0").replace(/0+$/, "")}`;
  const seconds = `${s}${fraction}s`;
  if (h > 0) return `${h}h${m}m${seconds}`;
  if (m > 0) return `${m}m${seconds}`;
  return seconds;
}

/** Go style without the zero units: "1h", "1h30m", "5m", "30s" (whole seconds). */
export function formatShortDuration(ms: number): string {
  const { h, m, s } = split(Math.max(0, ms));
  const parts = [h > 0 ? `${h}h` : "", m > 0 ? `${m}m` : "", s > 0 ? `${s}s` : ""].join("");
  return parts === "" ? "0s" : parts;
}

function plural(count: number, unit: string): string {
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}

/** English for tctl's messages: "5 minutes", "1 hour", "1 hour 30 minutes" (whole seconds). */
export function formatHumanDuration(ms: number): string {
  const { h, m, s } = split(Math.max(0, ms));
  const parts = [
    h > 0 ? plural(h, "hour") : "",
    m > 0 ? plural(m, "minute") : "",
    s > 0 ? plural(s, "second") : "",
  ].filter((part) => part !== "");
  return parts.length === 0 ? "less than a second" : parts.join(" ");
}
