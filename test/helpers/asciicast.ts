// A strict asciicast v2 reader written from the format's specification
// (https://docs.asciinema.org/manual/asciicast/v2/), to check what we write.

export interface Asciicast {
  header: {
    version: 2;
    width: number;
    height: number;
    timestamp?: number;
    env?: Record<string, string>;
  };
  events: [number, string, string][];
}

function fail(line: number, message: string): never {
  throw new Error(`asciicast line ${line}: ${message}`);
}

export function parseAsciicast(text: string): Asciicast {
  if (!text.endsWith("\n")) fail(0, "the file must end with a newline");
  const lines = text.slice(0, -1).split("\n");
  const header: unknown = JSON.parse(lines[0] ?? "");
  if (typeof header !== "object" || header === null || Array.isArray(header))
    fail(1, "the header must be an object");
  const h = header as Record<string, unknown>;
  if (h["version"] !== 2) fail(1, "version must be 2");
  for (const key of ["width", "height"]) {
    if (!Number.isInteger(h[key]) || (h[key] as number) <= 0)
      fail(1, `${key} must be a positive integer`);
  }
  if ("timestamp" in h && !Number.isInteger(h["timestamp"]))
    fail(1, "timestamp must be an integer (Unix seconds)");
  if ("env" in h) {
    const env = h["env"];
    if (
      typeof env !== "object" ||
      env === null ||
      Object.values(env).some((v) => typeof v !== "string")
    ) {
      fail(1, "env must map names to strings");
    }
  }
  const events: [number, string, string][] = [];
  let previous = 0;
  lines.slice(1).forEach((line, i) => {
    const n = i + 2;
    const event: unknown = JSON.parse(line);
    if (!Array.isArray(event) || event.length !== 3) fail(n, "an event is a 3-element array");
    const [time, code, data] = event as unknown[];
    if (typeof time !== "number" || time < 0) fail(n, "time must be a non-negative number");
    if (time < previous) fail(n, `time ${time} goes back before ${previous}`);
    previous = time;
    if (typeof code !== "string" || !["o", "i", "r", "m"].includes(code))
      fail(n, `unknown event code ${String(code)}`);
    if (typeof data !== "string") fail(n, "data must be a string");
    if (code === "r" && !/^\d+x\d+$/.test(data)) fail(n, `a resize is "COLSxROWS", got "${data}"`);
    events.push([time, code, data]);
  });
  return { header: h as Asciicast["header"], events };
}
