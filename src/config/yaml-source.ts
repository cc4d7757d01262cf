// Reads the YAML text and maps key paths back to line:column in it.
import {
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  type Document,
} from "yaml";
import type { Position, Problem } from "./problem.js";
import { syntaxProblems } from "./yaml-syntax.js";

export interface YamlSource {
  /** The document as plain data (mappings, lists, scalars). */
  readonly value: unknown;
  /** Where the key at `path` is written, or where its value is; undefined if nowhere. */
  position(path: readonly PropertyKey[], target: "key" | "value"): Position | undefined;
  /** `path` without list indexes into values the file writes as a single value. */
  writtenPath(path: readonly PropertyKey[]): PropertyKey[];
}

export type YamlReadResult =
  | { readonly ok: true; readonly source: YamlSource }
  | { readonly ok: false; readonly problems: readonly Problem[] };

function keyName(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

function start(node: unknown): number | undefined {
  return isNode(node) ? node.range?.[0] : undefined;
}

// `key:` with nothing after it parses as an empty null scalar, which has no place of its own.
function isEmptyScalar(node: unknown): boolean {
  return isScalar(node) && node.value === null && node.range?.[0] === node.range?.[1];
}

function locate(
  doc: Document,
  path: readonly PropertyKey[],
  target: "key" | "value",
): number | undefined {
  let node: unknown = doc.contents;
  // Where the innermost key walked through is written: the place for a problem about a key
  // that is missing or a value that has no text.
  let fallback: number | undefined;
  for (const [index, segment] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((item) => keyName(item.key) === String(segment));
      if (!pair) return fallback;
      fallback = start(pair.key) ?? fallback;
      if (index === path.length - 1 && target === "key") return fallback;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      node = node.items[segment];
      fallback = start(node) ?? fallback;
    } else {
      // The path goes below a scalar, e.g. into a single value read as a one-item list.
      return fallback;
    }
  }
  if (isEmptyScalar(node)) return fallback;
  // A problem with a whole section reads best at the section's key.
  if (isMap(node) && node.flow !== true && path.length > 0) return fallback;
  return start(node) ?? fallback;
}

function writtenPath(doc: Document, path: readonly PropertyKey[]): PropertyKey[] {
  const written: PropertyKey[] = [];
  let node: unknown = doc.contents;
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (typeof segment === "number" && !isSeq(node)) continue;
    written.push(segment);
    if (isMap(node)) node = node.items.find((item) => keyName(item.key) === String(segment))?.value;
    else if (isSeq(node) && typeof segment === "number") node = node.items[segment];
    else node = undefined;
  }
  return written;
}

export function readYaml(text: string): YamlReadResult {
  const lineCounter = new LineCounter();
  // uniqueKeys is the default; spelt out because duplicate keys must stay errors.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const toPosition = (offset: number): Position => lineCounter.linePos(offset);

  if (doc.errors.length > 0) return { ok: false, problems: syntaxProblems(doc, text, lineCounter) };

  let value: unknown;
  try {
    value = doc.toJS();
  } catch (err) {
    // Aliases are resolved only here: an unknown anchor or too many aliases end up in this catch.
    const reason = err instanceof Error ? err.message : String(err);
    return { ok: false, problems: [{ path: [], message: `YAML error: ${reason}` }] };
  }
  return {
    ok: true,
    source: {
      value,
      position: (path, target) => {
        const offset = locate(doc, path, target);
        return offset === undefined ? undefined : toPosition(offset);
      },
      writtenPath: (path) => writtenPath(doc, path),
    },
  };
}
