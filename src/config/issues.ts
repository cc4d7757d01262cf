// Turns zod's issues into problems that say where, which key, and what is wrong.
import type * as z from "zod";
import { describeValue } from "./describe.js";
import { knownKeysAt, pathsKnowing } from "./known-keys.js";
import type { Problem } from "./problem.js";
import { unknownKeyMessage } from "./unknown-keys.js";
import type { YamlSource } from "./yaml-source.js";

type Issue = z.core.$ZodIssue;

function unknownKeyProblems(
  issue: Issue & { code: "unrecognized_keys" },
  schema: z.core.$ZodType,
  source: YamlSource,
): Problem[] {
  const knownHere = knownKeysAt(schema, issue.path);
  const parent = issue.path.map(String).join(".");
  return issue.keys.map((key) => {
    const path = [...issue.path, key];
    const elsewhere = pathsKnowing(schema, key).filter((known) => known.join(".") !== parent);
    const at = source.position(path, "key");
    const message = unknownKeyMessage(key, knownHere, elsewhere);
    return at ? { at, path, message } : { path, message };
  });
}

export function problemsFromIssues(
  issues: readonly Issue[],
  schema: z.core.$ZodType,
  source: YamlSource,
): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    if (issue.code === "unrecognized_keys") return unknownKeyProblems(issue, schema, source);
    const path = source.writtenPath(issue.path);
    const at = source.position(path, "value");
    return [at ? { at, path, message: issue.message } : { path, message: issue.message }];
  });
}

/**
 * Last-resort wording for an issue a schema did not word itself: every schema in schema.ts
 * does, so this only keeps zod's English out of messages if one is added without.
 */
export function fallbackMessage(issue: { readonly input?: unknown }): string {
  return `invalid value ${describeValue(issue.input)}`;
}
