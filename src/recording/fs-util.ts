// Small file system steps with the durability the recording needs.
import { constants } from "node:fs";
import { copyFile, open, rename, unlink, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

export function errorCode(err: unknown): string | undefined {
  return err instanceof Error && "code" in err && typeof err.code === "string"
    ? err.code
    : undefined;
}

export function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Writes all of `data` at the file's current position (write(2) may write less than asked). */
export async function writeFully(handle: FileHandle, data: Uint8Array): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done);
    done += bytesWritten;
  }
}

/** Makes a folder's entries (new, renamed, removed files) durable. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, constants.O_RDONLY | constants.O_DIRECTORY);
    await handle.sync();
  } catch (err) {
    // Some file systems cannot fsync a folder; the data files themselves were synced already.
    if (errorCode(err) !== "EINVAL" && errorCode(err) !== "EISDIR") throw err;
  } finally {
    await handle?.close();
  }
}

/**
 * Moves a file: rename when source and destination share a file system, otherwise copy to a
 * temporary name beside the destination, fsync, rename into place and remove the source.
 */
export async function moveFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
    return;
  } catch (err) {
    if (errorCode(err) !== "EXDEV") throw err;
  }
  const temporary = join(dirname(to), `.${basename(to)}.moving`);
  await copyFile(from, temporary);
  const handle = await open(temporary, "r+");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temporary, to);
  await fsyncDir(dirname(to));
  await unlink(from);
}
