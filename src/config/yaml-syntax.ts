// YAML syntax errors (including duplicate keys) as problems with line:column.
import { isNode, isScalar, visit, type Document, type LineCounter, type YAMLError } from "yaml";
import { quote } from "./describe.js";
import type { Problem } from "./problem.js";

interface KeyAt {
  readonly name: string;
  readonly offset: number;
}

// yaml places a duplicate-key error at the repeated key or just before it (at times at the end
// of the line before): the repeated key is the first key that starts there or after.
function keyFrom(doc: Document, offset: number): KeyAt | undefined {
  let found: KeyAt | undefined;
  visit(doc, {
    Pair(_, pair) {
      const keyStart = isNode(pair.key) ? pair.key.range?.[0] : undefined;
      if (!isScalar(pair.key) || keyStart === undefined || keyStart < offset) return;
      if (!found || keyStart < found.offset)
        found = { name: String(pair.key.value), offset: keyStart };
    },
  });
  return found;
}

// A block copied from a web page often loses its indentation; then the keys of every section
// land in one mapping, and the first symptom is a duplicate "enabled". Such a file has section
// headers ("ssh_service:") and no indented line.
const INDENTED_LINE = /^[ \t]+[^\s#]/m;
const SECTION_HEADER = /^[^\s#][^:#]*:[ \t]*$/m;
const FLAT_HINT = "; the file has no indentation: indent the keys of each section under it";

function describe(error: YAMLError, doc: Document, text: string): KeyAt & { message: string } {
  if (error.code === "DUPLICATE_KEY") {
    const key = keyFrom(doc, error.pos[0]);
    const name = key === undefined ? "" : ` ${quote(key.name)}`;
    const flat = SECTION_HEADER.test(text) && !INDENTED_LINE.test(text);
    const hint = flat ? FLAT_HINT : "";
    return {
      name: key?.name ?? "",
      offset: key?.offset ?? error.pos[0],
      message: `duplicate key${name}${hint}`,
    };
  }
  // yaml's wording for this one points at its own API; say what to fix in the file instead.
  if (error.code === "MULTIPLE_DOCS") {
    return {
      name: "",
      offset: error.pos[0],
      message: `YAML syntax error: expected one document, found a second one after "---"`,
    };
  }
  const firstLine = error.message.split("\n", 1)[0] ?? error.message;
  return { name: "", offset: error.pos[0], message: `YAML syntax error: ${firstLine}` };
}

export function syntaxProblems(doc: Document, text: string, lines: LineCounter): Problem[] {
  // One mistake often trips several errors at the same place; the first says it best.
  const seen = new Set<number>();
  const problems: Problem[] = [];
  for (const error of doc.errors) {
    const { offset, message } = describe(error, doc, text);
    if (seen.has(offset)) continue;
    seen.add(offset);
    problems.push({ at: lines.linePos(offset), path: [], message });
  }
  return problems;
}
