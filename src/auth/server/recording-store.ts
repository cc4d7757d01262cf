// Recordings uploaded by nodes: files are PUT into a staging folder of the session, then
// "complete" verifies the hash chain there. A good recording moves to the sessions folder of the
// audit log and a session.upload event is written; a bad one moves to quarantine, unpublished,
// and the node hears which event is bad (422).
import { createWriteStream } from "node:fs";
import { mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { createEvent, type FileAuditLog } from "../../events/index.js";
import {
  FILE_KINDS,
  LocalUploader,
  dataFileName,
  formatProblem,
  indexFileName,
  parseDataFileName,
  sessionsDir,
  verifyRecording,
  type RecordingFile,
  type VerifyResult,
} from "../../recording/index.js";
import { isSafeSessionId } from "../api/index.js";
import { ApiError, badRequest, conflict, notFound } from "./errors.js";

/** Largest file of a recording accepted (chunks of a long session can be big). */
export const MAX_RECORDING_FILE_BYTES = 4 * 1024 ** 3;

export interface RecordingStoreOptions {
  dataDir: string;
  serverId: string;
  clusterName: string;
  log: FileAuditLog;
  now: () => Date;
}

export interface PublishedRecording {
  sid: string;
  files: string[];
  bytes: number;
  published: string;
}

function codeOf(error: unknown): string | undefined {
  return error instanceof Error && "code" in error ? String(error.code) : undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (codeOf(error) === "ENOENT") return false;
    throw error;
  }
}

function checkSid(sid: string): void {
  if (!isSafeSessionId(sid)) {
    throw badRequest(
      `session id ${JSON.stringify(sid)} cannot be used: letters, digits, ".", "_" and "-" only (normally a UUID)`,
    );
  }
}

/** The only names a recording of `sid` has: its index and one file per kind. */
function allowedNames(sid: string): string[] {
  return [indexFileName(sid), ...FILE_KINDS.map((kind) => dataFileName(sid, kind))];
}

export class RecordingStore {
  readonly #options: RecordingStoreOptions;
  readonly #published: string;
  readonly #staging: string;
  readonly #quarantine: string;
  /** One complete at a time: two of one session must not both publish. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: RecordingStoreOptions) {
    this.#options = options;
    this.#published = sessionsDir(options.dataDir, options.serverId);
    // Outside log/: tools that search log/ for a session must not find unverified copies.
    this.#staging = join(options.dataDir, "recordings", "staging");
    this.#quarantine = join(options.dataDir, "recordings", "quarantine");
  }

  get quarantineDir(): string {
    return this.#quarantine;
  }

  async putFile(
    sid: string,
    name: string,
    body: Readable,
  ): Promise<{ name: string; bytes: number }> {
    checkSid(sid);
    const names = allowedNames(sid);
    if (!names.includes(name)) {
      throw badRequest(
        `file ${JSON.stringify(name)} is not part of a recording of session ${sid}: expected one of ${names.join(", ")}`,
      );
    }
    if (await exists(join(this.#published, indexFileName(sid)))) {
      throw conflict(`the recording of session ${sid} is already published`);
    }
    const dir = join(this.#staging, sid);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const partial = join(dir, `${name}.part`);
    let bytes = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length;
        if (bytes > MAX_RECORDING_FILE_BYTES) {
          done(
            new ApiError(
              413,
              "body_too_large",
              `${name} is larger than ${MAX_RECORDING_FILE_BYTES} bytes`,
            ),
          );
          return;
        }
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, counter, createWriteStream(partial, { mode: 0o600 }));
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    // Renamed once whole: a retried PUT replaces the file, a cut one leaves only a .part.
    await rename(partial, join(dir, name));
    return { name, bytes };
  }

  complete(
    sid: string,
  ): Promise<{ sid: string; url: string; events: number; alreadyPublished: boolean }> {
    const run = this.#queue.then(() => this.#complete(sid));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #complete(
    sid: string,
  ): Promise<{ sid: string; url: string; events: number; alreadyPublished: boolean }> {
    checkSid(sid);
    const dir = join(this.#staging, sid);
    const publishedIndex = join(this.#published, indexFileName(sid));
    if (!(await exists(join(dir, indexFileName(sid))))) {
      if (await exists(publishedIndex)) {
        // A retried complete whose first answer was lost.
        const result = await verifyRecording(this.#published, { sid });
        return {
          sid,
          url: fileUrl(publishedIndex),
          events: result.ok ? result.events : 0,
          alreadyPublished: true,
        };
      }
      throw notFound(`nothing was uploaded for session ${sid}: PUT its files, then complete it`);
    }
    if (await exists(publishedIndex)) {
      throw conflict(`the recording of session ${sid} is already published`);
    }
    const result = await this.#verify(dir, sid);
    if (!result.ok) {
      const kept = await this.#toQuarantine(dir, sid);
      throw new ApiError(
        422,
        "recording_rejected",
        `${formatProblem(sid, result.problem)} (not published; the files are kept in ${kept})`,
      );
    }
    const files = await this.#dataFiles(dir, sid);
    const uploader = new LocalUploader({
      dataDir: this.#options.dataDir,
      authServerId: this.#options.serverId,
    });
    const { url } = await uploader.upload({
      sid,
      dir,
      indexPath: join(dir, indexFileName(sid)),
      files,
      lastEi: result.events - 1,
      finalHash: result.finalHash,
      events: result.events,
      // Only the files, the index and the sid are used to move a recording.
      eventCounts: {},
      chunkBytes: result.chunkBytes,
      recovered: false,
    });
    await rm(dir, { recursive: true, force: true });
    const event = createEvent(
      "session.upload",
      { sid, url, namespace: "default" },
      { clusterName: this.#options.clusterName, now: this.#options.now },
    );
    await this.#options.log.append([event]);
    return { sid, url, events: result.events, alreadyPublished: false };
  }

  async #verify(dir: string, sid: string): Promise<VerifyResult> {
    try {
      return await verifyRecording(dir, { sid });
    } catch (error) {
      // An index that cannot even be read is as bad as a broken chain.
      const why = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        sid,
        indexPath: join(dir, indexFileName(sid)),
        problem: { ei: 0, kind: "unreadable", message: why },
      };
    }
  }

  async #dataFiles(dir: string, sid: string): Promise<RecordingFile[]> {
    const files: RecordingFile[] = [];
    for (const name of (await readdir(dir)).sort()) {
      const parsed = parseDataFileName(name);
      if (parsed?.sid === sid) files.push({ kind: parsed.kind, name, path: join(dir, name) });
    }
    return files;
  }

  async #toQuarantine(dir: string, sid: string): Promise<string> {
    await mkdir(this.#quarantine, { recursive: true, mode: 0o700 });
    const stamp = this.#options.now().toISOString().replace(/[:.]/g, "-");
    const target = join(this.#quarantine, `${sid}.${stamp}`);
    await rename(dir, target);
    return target;
  }

  /** Published recordings, oldest first. */
  async list(): Promise<PublishedRecording[]> {
    let names: string[];
    try {
      names = await readdir(this.#published);
    } catch (error) {
      if (codeOf(error) === "ENOENT") return [];
      throw error;
    }
    const recordings: PublishedRecording[] = [];
    for (const name of names.filter((n) => n.endsWith(".index"))) {
      const sid = name.slice(0, -".index".length);
      const files = names.filter((n) => n === name || parseDataFileName(n)?.sid === sid).sort();
      let bytes = 0;
      for (const file of files) bytes += (await stat(join(this.#published, file))).size;
      const published = (await stat(join(this.#published, name))).mtime.toISOString();
      recordings.push({ sid, files, bytes, published });
    }
    return recordings.sort(
      (a, b) => a.published.localeCompare(b.published) || a.sid.localeCompare(b.sid),
    );
  }
}

function fileUrl(path: string): string {
  return pathToFileURL(path).href;
}
