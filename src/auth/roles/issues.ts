// zod issues → "path: what is wrong, got what", e.g.
// `spec.options.enhanced_recording[1]: expected one of command, disk, network, got "dsk"`.
import type { z } from "zod";
import { KNOWN_FIELDS } from "./schema.js";
import { closest } from "./suggest.js";

type Issue = z.core.$ZodIssue;
type Segment = PropertyKey;

const EXPECTED: Readonly<Record<string, string>> = {
  string: "a string",
  array: "a list",
  object: "a mapping",
  record: "a mapping",
  number: "a number",
  boolean: "true or false",
};

const MAX_SHOWN = 60;

/** A value found in the document as a message shows it: "dsk" quoted, lists and maps named. */
export function describeFound(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (typeof value === "string") {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return JSON.stringify(shown);
  }
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return String(value);
}

/** `spec.allow.node_labels["*"]`, `spec.options.enhanced_recording[1]`. */
export function formatPath(path: readonly Segment[]): string {
  return path
    .map((segment, index) => {
      if (typeof segment === "number") return `[${segment}]`;
      const name = String(segment);
      if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return index === 0 ? name : `.${name}`;
      return `[${JSON.stringify(name)}]`;
    })
    .join("");
}

function valueAt(root: unknown, path: readonly Segment[]): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

function withPath(path: readonly Segment[], message: string): string {
  return path.length === 0 ? message : `${formatPath(path)}: ${message}`;
}

function unknownFields(issue: Issue & { code: "unrecognized_keys" }): string[] {
  const where = issue.path.map((s) => (typeof s === "number" ? "[]" : String(s))).join(".");
  const known = KNOWN_FIELDS[where.replaceAll(".[]", "[]")] ?? [];
  return issue.keys.map((key) => {
    const hint = closest(key, known);
    const suggestion = hint === undefined ? "" : `; did you mean "${hint}"?`;
    const expected = known.length > 0 ? ` (expected ${known.join(", ")})` : "";
    return withPath(issue.path, `unknown field ${JSON.stringify(key)}${suggestion || expected}`);
  });
}

function valueMessage(values: readonly unknown[], found: unknown): string {
  const shown = values.map(String);
  const expected =
    shown.length === 1
      ? `expected ${JSON.stringify(shown[0])}`
      : `expected one of ${shown.join(", ")}`;
  // Teleport's rule resources are singular; "users" is the likeliest slip.
  const singular = typeof found === "string" && found.endsWith("s") ? found.slice(0, -1) : "";
  const hint = singular !== "" && shown.includes(singular) ? `; did you mean "${singular}"?` : "";
  return `${expected}, got ${describeFound(found)}${hint}`;
}

/** One line per problem, each starting with the field's path. */
export function problemsFromIssues(issues: readonly Issue[], root: unknown): string[] {
  return issues.flatMap((issue): string[] => {
    const found = valueAt(root, issue.path);
    switch (issue.code) {
      case "unrecognized_keys":
        return unknownFields(issue);
      case "invalid_type": {
        const expected = EXPECTED[issue.expected] ?? issue.expected;
        return [withPath(issue.path, `expected ${expected}, got ${describeFound(found)}`)];
      }
      case "invalid_value":
        return [withPath(issue.path, valueMessage(issue.values, found))];
      case "invalid_key": {
        const key = String(issue.path.at(-1));
        return [
          withPath(
            issue.path.slice(0, -1),
            `invalid label name ${JSON.stringify(key)}: use letters, digits and / . _ : * -`,
          ),
        ];
      }
      default:
        return [withPath(issue.path, issue.message)];
    }
  });
}
