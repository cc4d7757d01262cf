// The message for a key the schema does not know: a close spelling, the right place for it,
// or the keys that are allowed there.
import { formatPath, quote } from "./describe.js";
import { closest } from "./suggest.js";

function joinOr(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} or ${items.at(-1) ?? ""}`;
}

/**
 * @param knownHere keys allowed in the mapping that holds the unknown key
 * @param knownElsewhere other mappings (paths) where this exact key is allowed
 */
export function unknownKeyMessage(
  key: string,
  knownHere: readonly string[],
  knownElsewhere: readonly (readonly string[])[],
): string {
  const hint = closest(key, knownHere);
  if (hint !== undefined) return `unknown key; did you mean ${quote(hint)}?`;
  if (knownElsewhere.length > 0) {
    // Usually a slip of indentation, e.g. a YAML block pasted flat.
    const sections = knownElsewhere
      .filter((path) => path.length > 0)
      .map((path) => quote(formatPath(path)));
    const places = [
      ...(sections.length < knownElsewhere.length ? ["at the top level"] : []),
      ...(sections.length > 0 ? [`under ${joinOr(sections)}`] : []),
    ];
    return `unknown key here; it belongs ${places.join(" or ")} (check the indentation)`;
  }
  return `unknown key; expected one of: ${knownHere.join(", ")}`;
}
