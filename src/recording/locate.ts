// Turns what a user or caller names (an index path, a folder and a session id, a bare session id
// within a data dir) into the folder and session id of one recording.
import type { Dirent } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { RecordingNotFoundError } from "./errors.js";
import { errorCode } from "./fs-util.js";
import { assertSafeName, indexFileName, NAMESPACE, parseDataFileName } from "./names.js";

export const DEFAULT_DATA_DIR = "/var/lib/teleport";

export interface LocateOptions {
  /** Session id, when the target is a folder (a sessions folder or a data dir). */
  sid?: string;
  /** Data dir searched for a bare session id (default /var/lib/teleport). */
  dataDir?: string;
}

export interface RecordingLocation {
  dir: string;
  sid: string;
  indexPath: string;
}

async function kindOf(path: string): Promise<"file" | "dir" | undefined> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? "dir" : "file";
  } catch (err) {
    if (errorCode(err) === "ENOENT" || errorCode(err) === "ENOTDIR") return undefined;
    throw err;
  }
}

async function entries(dir: string): Promise<Dirent[]> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (errorCode(err) === "ENOENT" || errorCode(err) === "ENOTDIR") return [];
    throw err;
  }
}

/** True when the folder holds the index or any data file of the session. */
async function holds(dir: string, sid: string): Promise<boolean> {
  return (await entries(dir)).some(
    (e) => e.name === indexFileName(sid) || parseDataFileName(e.name)?.sid === sid,
  );
}

function at(dir: string, sid: string): RecordingLocation {
  return { dir, sid, indexPath: join(dir, indexFileName(sid)) };
}

/** Uploaded recordings (`log/<auth-id>/sessions/default`) first, then the node's upload folder. */
async function searchDataDir(dataDir: string, sid: string): Promise<RecordingLocation> {
  const log = join(dataDir, "log");
  const names = (await entries(log))
    .filter((e) => e.isDirectory() && e.name !== "playbacks")
    .map((e) => e.name)
    .sort((a, b) => Number(a === "upload") - Number(b === "upload") || a.localeCompare(b));
  for (const name of names) {
    const dir = join(log, name, "sessions", NAMESPACE);
    if (await holds(dir, sid)) return at(dir, sid);
  }
  throw new RecordingNotFoundError(
    `no recording of session ${sid} under ${log} (looked in <auth server id>/sessions/${NAMESPACE} and upload/sessions/${NAMESPACE}): check the session id and the data dir, or give the path of the recording's .index file`,
  );
}

/** Finds one recording; throws RecordingNotFoundError naming where it looked. */
export async function locateRecording(
  target: string,
  options: LocateOptions = {},
): Promise<RecordingLocation> {
  const path = resolve(target);
  if (options.sid !== undefined) {
    assertSafeName(options.sid, "session id");
    if ((await kindOf(path)) !== "dir") {
      throw new RecordingNotFoundError(
        `${path} is not a folder: give the folder that holds the recording`,
      );
    }
    if (await holds(path, options.sid)) return at(path, options.sid);
    if ((await kindOf(join(path, "log"))) === "dir") return searchDataDir(path, options.sid);
    throw new RecordingNotFoundError(`no recording of session ${options.sid} in ${path}`);
  }
  if (target.endsWith(".index")) {
    const sid = basename(path).slice(0, -".index".length);
    assertSafeName(sid, "session id");
    if (await holds(dirname(path), sid)) return at(dirname(path), sid);
    throw new RecordingNotFoundError(
      `${path} does not exist, nor any data file of session ${sid} beside it`,
    );
  }
  const kind = await kindOf(path);
  if (kind === "file") {
    const data = parseDataFileName(basename(path));
    if (data) return at(dirname(path), data.sid);
    throw new RecordingNotFoundError(
      `${path} is not a recording file (<sid>.index or <sid>-0.*.gz)`,
    );
  }
  if (kind === "dir") {
    const indexes = (await entries(path)).filter((e) => e.isFile() && e.name.endsWith(".index"));
    const only = indexes.length === 1 ? indexes[0] : undefined;
    if (only) return at(path, only.name.slice(0, -".index".length));
    throw new RecordingNotFoundError(
      indexes.length === 0
        ? `${path} holds no recording index (<sid>.index)`
        : `${path} holds ${indexes.length} recordings: name one by its session id or its .index file`,
    );
  }
  // Not a path that exists: a session id within the data dir.
  if (target.includes("/")) throw new RecordingNotFoundError(`${path} does not exist`);
  assertSafeName(target, "session id");
  return searchDataDir(options.dataDir ?? DEFAULT_DATA_DIR, target);
}
