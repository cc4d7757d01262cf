// Files and folders that hold keys: folders 0700 and files 0600 from the moment they exist,
// even when an earlier, looser one was there before.
import { chmodSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ClientError } from "./errors.js";

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function makePrivateDir(path: string): void {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
    chmodSync(path, 0o700);
  } catch (error) {
    throw new ClientError(`cannot create ${path}: ${reason(error)}`, { cause: error });
  }
}

/** Replaces the file whole (written beside it, then renamed), with mode 0600. */
export function writePrivateFile(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    rmSync(temporary, { force: true });
    writeFileSync(temporary, text, { mode: 0o600, flag: "wx" });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new ClientError(`cannot write ${path}: ${reason(error)}`, { cause: error });
  }
}
