import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { CliIo } from "./run.js";

export interface WriteOutputOptions {
  mode: number;
  /** When false, an existing file is an error rather than silently replaced. */
  overwrite: boolean;
}

/** Writes generated text to `-o FILE`, or to stdout when no file (or "stdout") is named. */
export function writeOutput(
  file: string | undefined,
  text: string,
  io: CliIo,
  options: WriteOutputOptions,
): string | undefined {
  if (file === undefined || file === "stdout" || file === "-") {
    io.stdout(text);
    return undefined;
  }
  const path = resolve(file.replace(/^file:\/\//, ""));
  if (!options.overwrite && existsSync(path)) {
    throw new Error(`${path} already exists: remove it first or choose another file with -o`);
  }
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text, { mode: options.mode });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(`cannot write ${path}: ${reason}`, { cause: err });
  }
  return path;
}
