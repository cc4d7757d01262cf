// How problems show values and key paths: found values read JSON-ish, paths read like the YAML.

const MAX_SHOWN_CHARS = 60;

/** Describes a value found in the file, e.g. `"abc"`, `12`, `a list`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (typeof value === "string") return quote(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `a ${typeof value}`;
}

/** Like describeValue, but never shows the value itself: for secrets such as join tokens. */
function describeKind(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return `a ${typeof value}`;
}

/** Quotes a string like JSON does, shortening long ones so a message stays on one line. */
export function quote(text: string): string {
  const shown = text.length > MAX_SHOWN_CHARS ? `${text.slice(0, MAX_SHOWN_CHARS)}…` : text;
  return JSON.stringify(shown);
}

/** The standard problem text: what was expected, then what was found. */
export function expectedGot(what: string, found: unknown, secret = false): string {
  // undefined only ever means "the key is absent": YAML itself has no undefined.
  if (found === undefined) return `missing; expected ${what}`;
  return `expected ${what}, got ${secret ? describeKind(found) : describeValue(found)}`;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Formats a key path as the user would point at it: `ssh_service.labels["a.b"]`, `tokens[0]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else {
      const key = String(segment);
      if (PLAIN_KEY.test(key)) text += text === "" ? key : `.${key}`;
      else text += `[${JSON.stringify(key)}]`;
    }
  }
  return text;
}
