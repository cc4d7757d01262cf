// Reading the config file from disk.
import { readFileSync } from "node:fs";
import { ConfigError } from "./errors.js";
import { parseConfig } from "./parse.js";
import type { Config } from "./types.js";

function readProblem(path: string, err: unknown): string {
  const code = err instanceof Error && "code" in err ? err.code : undefined;
  switch (code) {
    case "ENOENT":
      return `${path}: the config file does not exist; create it with \`teleport configure -o ${path}\``;
    case "EACCES":
    case "EPERM":
      return `${path}: cannot read the config file: permission denied (run teleport as a user that can read it, e.g. root)`;
    case "EISDIR":
      return `${path}: cannot read the config file: it is a directory`;
    default:
      return `${path}: cannot read the config file: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Reads and parses a teleport.yaml; a missing or unreadable file is a ConfigError too. */
export function loadConfigFile(path: string): Config {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new ConfigError(path, [readProblem(path, err)]);
  }
  return parseConfig(text, path);
}
