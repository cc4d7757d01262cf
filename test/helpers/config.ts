import { ConfigError, parseConfig } from "../../src/config/index.js";

/** The problem lines parseConfig reports for `text` (named teleport.yaml), or [] when valid. */
export function problemsOf(text: string): readonly string[] {
  try {
    parseConfig(text, "teleport.yaml");
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}
