// The auth server's id: a UUID in <data_dir>/host_uuid (Teleport's file), made on first start
// and reused after, so audit log folders and recordings keep their owner across restarts.
import { randomUUID } from "node:crypto";
import { link, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { AuthStartError } from "./errors.js";

export const HOST_UUID_FILE = "host_uuid";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function codeOf(error: unknown): string | undefined {
  return error instanceof Error && "code" in error ? String(error.code) : undefined;
}

async function read(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, "utf8")).trim();
  } catch (error) {
    if (codeOf(error) === "ENOENT") return undefined;
    throw new AuthStartError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
}

export async function loadOrCreateHostUuid(dataDir: string): Promise<string> {
  const path = join(dataDir, HOST_UUID_FILE);
  let id = await read(path);
  if (id === undefined) {
    // Written whole to a file of our own, then linked into place: link() fails if the name
    // exists, so of two processes starting at once one wins, and the other never reads a file
    // that is still empty.
    const temp = `${path}.${process.pid}.${randomUUID()}`;
    try {
      await writeFile(temp, `${randomUUID()}\n`, { flag: "wx", mode: 0o600 });
      await link(temp, path);
    } catch (error) {
      if (codeOf(error) !== "EEXIST") {
        throw new AuthStartError(`cannot write ${path}: ${(error as Error).message}`, {
          cause: error,
        });
      }
    } finally {
      await rm(temp, { force: true });
    }
    id = await read(path);
  }
  if (id === undefined || !UUID.test(id)) {
    throw new AuthStartError(
      `${path} holds ${JSON.stringify(id ?? "")}, not a UUID: restore it from a backup, ` +
        "or remove it to give this auth server a new id (its audit log folder changes with it)",
    );
  }
  return id.toLowerCase();
}
