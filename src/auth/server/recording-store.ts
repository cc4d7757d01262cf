// Recordings uploaded by nodes: files are PUT into a staging folder of the session, then
// "complete" verifies the hash chain there. A good recording moves to the sessions folder of the
// audit log and a session.upload event is written; a bad one moves to quarantine, unpublished,
// and the node hears which event is bad (422).
//
// A session's recording belongs to the node that first PUT a file of it (its host id is kept in
// recordings/owners/<sid>); other nodes may neither add to it nor complete it, and it is
// published only when every event that names a server names that node. PUTs and the complete of
// one session hold one lock, so what is published is exactly what was verified.
//
// Published files are read back one at a time; reading the index is what a player does first,
// so that read is logged as one playback (session.recording.access), not every file.
//
// Each published recording has a summary (recording-summary.ts) kept in recordings/summaries:
// made while publishing, or on first use for a recording published before summaries existed.
// Published recordings never change, so a summary never goes stale.
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { createEvent, type AuditEventOf, type FileAuditLog } from "../../events/index.js";
import {
  LocalUploader,
  RecordingReader,
  formatProblem,
  indexFileName,
  parseDataFileName,
  playbacksDir,
  sessionsDirUnder,
  uploadDir,
  verifyRecording,
  type RecordingFile,
  type VerifyResult,
} from "../../recording/index.js";
import { isSafeSessionId, recordingFileNames, type RecordingSummary } from "../api/index.js";
import { accessDenied, ApiError, badRequest, conflict, notFound } from "./errors.js";
import { storedSummary, SummaryBuilder } from "./recording-summary.js";

/** Largest file of a recording accepted (chunks of a long session can be big). */
export const MAX_RECORDING_FILE_BYTES = 4 * 1024 ** 3;
/** How far back a retried complete looks for the recording's session.upload event. */
const UPLOAD_EVENT_LOOKBACK_MS = 7 * 24 * 60 * 60 * 1000;

export interface RecordingStoreOptions {
  dataDir: string;
  serverId: string;
  clusterName: string;
  log: FileAuditLog;
  now: () => Date;
  /** Where published recordings go instead of `<dataDir>/log` (audit_sessions_uri). */
  sessionsLogRoot?: string | undefined;
}

export interface PublishedRecording {
  sid: string;
  files: string[];
  bytes: number;
  published: string;
  summary: RecordingSummary;
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

export class RecordingStore {
  readonly #options: RecordingStoreOptions;
  readonly #published: string;
  readonly #staging: string;
  readonly #quarantine: string;
  readonly #owners: string;
  readonly #summaries: string;
  /** Per session: the tail of its PUTs and completes, run one at a time. */
  readonly #locks = new Map<string, Promise<unknown>>();

  constructor(options: RecordingStoreOptions) {
    this.#options = options;
    this.#published = sessionsDirUnder(this.#sessionsLogRoot(), options.serverId);
    // Outside log/: tools that search log/ for a session must not find unverified copies.
    this.#staging = join(options.dataDir, "recordings", "staging");
    this.#quarantine = join(options.dataDir, "recordings", "quarantine");
    this.#owners = join(options.dataDir, "recordings", "owners");
    this.#summaries = join(options.dataDir, "recordings", "summaries");
  }

  #sessionsLogRoot(): string {
    return this.#options.sessionsLogRoot ?? join(this.#options.dataDir, "log");
  }

  /**
   * Makes the folders of the guide's `tree <data_dir>/log` (sessions, upload, playbacks), so the
   * layout is there from the start, as in Teleport, not only after the first recording.
   */
  async prepare(): Promise<void> {
    const { dataDir } = this.#options;
    for (const dir of [this.#published, uploadDir(dataDir), playbacksDir(dataDir)]) {
      await mkdir(dir, { recursive: true, mode: 0o700 });
    }
  }

  /** Runs `task` after every earlier PUT and complete of `sid` has finished. */
  #locked<T>(sid: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#locks.get(sid) ?? Promise.resolve();
    const run = previous.then(task);
    const tail = run.catch(() => undefined);
    this.#locks.set(sid, tail);
    void tail.then(() => {
      if (this.#locks.get(sid) === tail) this.#locks.delete(sid);
    });
    return run;
  }

  /** The host id that owns `sid`'s recording, or undefined before its first PUT. */
  async #ownerOf(sid: string): Promise<string | undefined> {
    try {
      return (await readFile(join(this.#owners, sid), "utf8")).trim();
    } catch (error) {
      if (codeOf(error) === "ENOENT") return undefined;
      throw error;
    }
  }

  /** 403 unless `hostId` owns `sid` (claimed now when `claim` and nobody does yet). */
  async #checkOwner(sid: string, hostId: string, claim: boolean): Promise<void> {
    const owner = await this.#ownerOf(sid);
    if (owner === undefined) {
      if (!claim) return;
      await mkdir(this.#owners, { recursive: true, mode: 0o700 });
      await writeFile(join(this.#owners, sid), `${hostId}\n`, { mode: 0o600, flag: "wx" });
      return;
    }
    if (owner !== hostId) {
      throw accessDenied(
        `access denied: the recording of session ${sid} is being uploaded by another node (${owner}), not by node "${hostId}"`,
      );
    }
  }

  get quarantineDir(): string {
    return this.#quarantine;
  }

  /** Stores one file of `sid`'s recording for node `hostId`. */
  putFile(
    sid: string,
    name: string,
    body: Readable,
    hostId: string,
  ): Promise<{ name: string; bytes: number }> {
    checkSid(sid);
    return this.#locked(sid, () => this.#putFile(sid, name, body, hostId));
  }

  async #putFile(
    sid: string,
    name: string,
    body: Readable,
    hostId: string,
  ): Promise<{ name: string; bytes: number }> {
    const names = recordingFileNames(sid);
    if (!names.includes(name)) {
      throw badRequest(
        `file ${JSON.stringify(name)} is not part of a recording of session ${sid}: expected one of ${names.join(", ")}`,
      );
    }
    if (await exists(join(this.#published, indexFileName(sid)))) {
      throw conflict(`the recording of session ${sid} is already published`);
    }
    await this.#checkOwner(sid, hostId, true);
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

  /** Verifies and publishes `sid`'s recording, for the node that uploaded it. */
  complete(
    sid: string,
    hostId: string,
  ): Promise<{ sid: string; url: string; events: number; alreadyPublished: boolean }> {
    checkSid(sid);
    return this.#locked(sid, () => this.#complete(sid, hostId));
  }

  async #complete(
    sid: string,
    hostId: string,
  ): Promise<{ sid: string; url: string; events: number; alreadyPublished: boolean }> {
    await this.#checkOwner(sid, hostId, false);
    const dir = join(this.#staging, sid);
    const publishedIndex = join(this.#published, indexFileName(sid));
    if (!(await exists(join(dir, indexFileName(sid))))) {
      if (await exists(publishedIndex)) {
        // A retried complete whose first answer was lost, or that auth stopped answering
        // between publishing and logging: the session.upload event is added if it is missing.
        const result = await verifyRecording(this.#published, { sid });
        const url = fileUrl(publishedIndex);
        if (result.ok && !(await this.#hasUploadEvent(sid))) {
          await this.#options.log.append([this.#uploadEvent(sid, url, hostId, result)]);
        }
        return { sid, url, events: result.ok ? result.events : 0, alreadyPublished: true };
      }
      throw notFound(`nothing was uploaded for session ${sid}: PUT its files, then complete it`);
    }
    if (await exists(publishedIndex)) {
      throw conflict(`the recording of session ${sid} is already published`);
    }
    const verified = await this.#verify(dir, sid);
    const checked = verified.ok
      ? await this.#checkServer(dir, sid, hostId, verified)
      : { result: verified, summary: undefined };
    const result = checked.result;
    if (!result.ok) {
      const kept = await this.#toQuarantine(dir, sid);
      throw new ApiError(
        422,
        "recording_rejected",
        `${formatProblem(sid, result.problem)} (not published; the files are kept in ${kept})`,
      );
    }
    const files = await this.#dataFiles(dir, sid);
    if (checked.summary !== undefined) await this.#saveSummary(sid, checked.summary);
    // Logged before it is published, so whoever sees the recording listed finds its event too;
    // a complete retried after a stop in between finds the event and does not log it again.
    const url = fileUrl(publishedIndex);
    if (!(await this.#hasUploadEvent(sid))) {
      await this.#options.log.append([this.#uploadEvent(sid, url, hostId, result)]);
    }
    const uploader = new LocalUploader({
      dataDir: this.#options.dataDir,
      authServerId: this.#options.serverId,
      logRoot: this.#sessionsLogRoot(),
    });
    await uploader.upload({
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
    return { sid, url, events: result.events, alreadyPublished: false };
  }

  /**
   * What was verified, so that a recording cut short later (or an event log that disagrees with
   * it) can be told from the audit log alone.
   */
  #uploadEvent(
    sid: string,
    url: string,
    hostId: string,
    result: { finalHash: string; events: number },
  ): AuditEventOf<"session.upload"> {
    return createEvent(
      "session.upload",
      {
        sid,
        url,
        namespace: "default",
        server_id: hostId,
        final_hash: result.finalHash,
        events: result.events,
      },
      { clusterName: this.#options.clusterName, now: this.#options.now },
    );
  }

  async #hasUploadEvent(sid: string): Promise<boolean> {
    const now = this.#options.now();
    const found = await this.#options.log.search({
      from: new Date(now.getTime() - UPLOAD_EVENT_LOOKBACK_MS),
      to: now,
      eventTypes: ["session.upload"],
      sid,
      limit: 1,
    });
    return found.events.length > 0;
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

  /**
   * `verified` and the recording's summary (made in the same pass), or a problem when an event
   * names a server other than the uploading node.
   */
  async #checkServer(
    dir: string,
    sid: string,
    hostId: string,
    verified: VerifyResult,
  ): Promise<{ result: VerifyResult; summary: RecordingSummary | undefined }> {
    const reader = await RecordingReader.open(dir, { sid });
    const summary = new SummaryBuilder();
    for await (const recorded of reader) {
      summary.add(recorded.event);
      if (recorded.type !== "event") continue;
      const serverId = (recorded.event as { server_id?: unknown }).server_id;
      if (serverId !== undefined && serverId !== hostId) {
        const result: VerifyResult = {
          ok: false,
          sid,
          indexPath: join(dir, indexFileName(sid)),
          problem: {
            ei: recorded.ei,
            kind: "altered",
            event: recorded.event.event,
            message: `it names server ${JSON.stringify(serverId)}, but node "${hostId}" uploaded it: a node uploads only its own sessions`,
          },
        };
        return { result, summary: undefined };
      }
    }
    return { result: verified, summary: summary.finish(reader.header?.start_time) };
  }

  /** Keeps `sid`'s summary, whole or not at all (written aside, then renamed). */
  async #saveSummary(sid: string, summary: RecordingSummary): Promise<void> {
    await mkdir(this.#summaries, { recursive: true, mode: 0o700 });
    const path = join(this.#summaries, `${sid}.json`);
    const partial = `${path}.${process.pid}.${Date.now()}.part`;
    await writeFile(partial, `${JSON.stringify({ version: 1, summary })}\n`, { mode: 0o600 });
    await rename(partial, path);
  }

  /** The kept summary of published `sid`, made from the recording when there is none yet. */
  async #summaryOf(sid: string): Promise<RecordingSummary> {
    let raw: string | undefined;
    try {
      raw = await readFile(join(this.#summaries, `${sid}.json`), "utf8");
    } catch (error) {
      if (codeOf(error) !== "ENOENT") throw error;
    }
    if (raw !== undefined) {
      // One that cannot be read (another version's, or cut short) is made again.
      const kept = storedSummary.safeParse(safeJson(raw));
      if (kept.success) return kept.data.summary;
    }
    const reader = await RecordingReader.open(this.#published, { sid });
    const builder = new SummaryBuilder();
    for await (const recorded of reader) builder.add(recorded.event);
    const summary = builder.finish(reader.header?.start_time);
    await this.#saveSummary(sid, summary);
    return summary;
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

  async #publishedNames(): Promise<string[]> {
    try {
      return await readdir(this.#published);
    } catch (error) {
      if (codeOf(error) === "ENOENT") return [];
      throw error;
    }
  }

  /** `sid`'s published recording among the published file `names`. */
  async #describe(sid: string, names: readonly string[]): Promise<PublishedRecording> {
    const index = indexFileName(sid);
    const files = names.filter((n) => n === index || parseDataFileName(n)?.sid === sid).sort();
    let bytes = 0;
    for (const file of files) bytes += (await stat(join(this.#published, file))).size;
    const published = (await stat(join(this.#published, index))).mtime.toISOString();
    return { sid, files, bytes, published, summary: await this.#summaryOf(sid) };
  }

  /** Published recordings, oldest first. */
  async list(): Promise<PublishedRecording[]> {
    const names = await this.#publishedNames();
    const recordings: PublishedRecording[] = [];
    for (const name of names.filter((n) => n.endsWith(".index"))) {
      recordings.push(await this.#describe(name.slice(0, -".index".length), names));
    }
    return recordings.sort(
      (a, b) => a.published.localeCompare(b.published) || a.sid.localeCompare(b.sid),
    );
  }

  /** `sid`'s published recording; 404 when there is none (not yet uploaded, or unknown). */
  async get(sid: string): Promise<PublishedRecording> {
    checkSid(sid);
    if (!(await exists(join(this.#published, indexFileName(sid))))) throw notPublished(sid);
    return this.#describe(sid, await this.#publishedNames());
  }

  /**
   * A published file of `sid`'s recording, opened for `reader`. Reading the index starts a
   * playback: the session.recording.access event is written before any byte is sent, so no
   * playback goes unlogged.
   */
  async openFile(
    sid: string,
    name: string,
    reader: string,
  ): Promise<{ stream: Readable; bytes: number }> {
    checkSid(sid);
    const names = recordingFileNames(sid);
    if (!names.includes(name)) {
      throw badRequest(
        `file ${JSON.stringify(name)} is not part of a recording of session ${sid}: expected one of ${names.join(", ")}`,
      );
    }
    if (!(await exists(join(this.#published, indexFileName(sid))))) throw notPublished(sid);
    const path = join(this.#published, name);
    let bytes: number;
    try {
      bytes = (await stat(path)).size;
    } catch (error) {
      if (codeOf(error) !== "ENOENT") throw error;
      throw notFound(`the recording of session ${sid} has no file ${name} (it had no such events)`);
    }
    if (name === indexFileName(sid)) {
      const event = createEvent(
        "session.recording.access",
        { sid, user: reader, session_type: "ssh" },
        { clusterName: this.#options.clusterName, now: this.#options.now },
      );
      await this.#options.log.append([event]);
    }
    return { stream: createReadStream(path), bytes };
  }
}

function notPublished(sid: string): ApiError {
  return notFound(
    `no published recording of session ${sid}: check the session id (tsh recordings ls); a session's recording is published when it ends`,
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function fileUrl(path: string): string {
  return pathToFileURL(path).href;
}
