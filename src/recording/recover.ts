// Start-up recovery: recordings left in the upload folder by a node that stopped (crash, kill,
// power loss) are completed with what was written, then uploaded.
import { readdir, rename, rm, unlink } from "node:fs/promises";
import { join } from "node:path";
import { canonicalJson, eventTime } from "../events/index.js";
import { walkChain, type ChainWalk } from "./chain.js";
import { RecordingFileSet } from "./file-set.js";
import { errorCode, fsyncDir } from "./fs-util.js";
import type { IndexFooter } from "./index-format.js";
import { dataFileName, FILE_KINDS, indexFileName } from "./names.js";
import { RecordingReader } from "./reader.js";
import type { CompletedRecording, RecordedEvent } from "./types.js";
import type { Uploader } from "./upload.js";

const STAGING_PREFIX = ".recover-";
// Recovery rewrites whole recordings; flush in large members to keep memory bounded.
const STAGING_FLUSH_BYTES = 4 << 20;

function completedFromFooter(reader: RecordingReader, footer: IndexFooter): CompletedRecording {
  const { dir, sid, indexPath } = reader.location;
  // Only the files that are there: one already moved by an interrupted upload is at its
  // destination, and one that is gone must not keep the rest from being uploaded.
  const files = reader.existingFiles();
  return {
    sid,
    dir,
    indexPath,
    files,
    lastEi: footer.last_ei,
    finalHash: footer.final_hash,
    events: footer.events,
    eventCounts: footer.event_counts,
    chunkBytes: footer.chunk_bytes,
    recovered: footer.recovered ?? false,
  };
}

function firstTime(item: RecordedEvent): string | undefined {
  return typeof item.event.time === "string" ? item.event.time : undefined;
}

// The intact prefix of the recording, rewritten into a staging folder with a recovered footer.
async function rewrite(
  reader: RecordingReader,
  staging: string,
  sync: boolean,
): Promise<{ set: RecordingFileSet; footer: IndexFooter }> {
  const { sid } = reader.location;
  let files: RecordingFileSet | undefined;
  const open = async (startTime: string): Promise<RecordingFileSet> =>
    (files ??= await RecordingFileSet.create({ dir: staging, sid, startTime, sync }));
  const walk = await walkChain(reader, async (item) => {
    const set = await open(reader.header?.start_time ?? firstTime(item) ?? eventTime(new Date()));
    if (item.type === "print") set.append("chunks", item.data);
    set.append(item.fileKind, `${canonicalJson(item.event)}\n`);
    if (set.pendingBytes >= STAGING_FLUSH_BYTES) await set.flush();
  });
  const set = await open(reader.header?.start_time ?? eventTime(new Date()));
  const footer = recoveredFooter(reader, walk);
  await set.finish(footer);
  return { set, footer };
}

function recoveredFooter(reader: RecordingReader, walk: ChainWalk): IndexFooter {
  // File names without the node's folder: the recording is about to move.
  const local = (message: string): string => message.replaceAll(`${reader.location.dir}/`, "");
  const problems = [
    ...(walk.problem ? [`event ei=${walk.problem.ei}: ${walk.problem.message}`] : []),
    ...reader.problems.map((d) => d.message),
  ].map(local);
  return {
    type: "footer",
    last_ei: walk.verified - 1,
    final_hash: walk.lastHash,
    events: walk.verified,
    event_counts: Object.fromEntries(walk.counts),
    chunk_bytes: walk.chunkBytes,
    completed_at: eventTime(new Date()),
    recovered: true,
    salvage: {
      events_dropped: walk.unverified,
      chunk_bytes_dropped: Math.max(0, (reader.chunkBytes ?? 0) - walk.chunkBytes),
      problems: [...new Set(problems)],
    },
  };
}

export interface CompleteOptions {
  /** fdatasync the rewritten files (default true). */
  sync?: boolean;
}

/**
 * Completes a recording its writer left unfinished: keeps every event up to the first one that
 * cannot be verified (a crash loses the tail, never the middle), rewrites the files with exactly
 * those events and a footer marked `recovered`, and replaces the originals (the index last, so a
 * crash during recovery leaves a recording that is recovered again). A completed recording is
 * returned as it is.
 */
export async function completeUnfinished(
  dir: string,
  sid: string,
  options: CompleteOptions = {},
): Promise<CompletedRecording> {
  const reader = await RecordingReader.open(dir, { sid });
  if (reader.footer) return completedFromFooter(reader, reader.footer);
  const staging = join(dir, `${STAGING_PREFIX}${sid}`);
  await rm(staging, { recursive: true, force: true });
  const { set, footer } = await rewrite(reader, staging, options.sync ?? true);
  const kept = set.listedFiles().map((file) => ({ ...file, path: join(dir, file.name) }));
  for (const file of kept) await rename(join(staging, file.name), file.path);
  for (const kind of FILE_KINDS) {
    if (kept.some((f) => f.kind === kind)) continue;
    // A file none of whose events were kept (they all came after the damage).
    await unlink(join(dir, dataFileName(sid, kind))).catch((err: unknown) => {
      if (errorCode(err) !== "ENOENT") throw err;
    });
  }
  await rename(set.indexPath, join(dir, indexFileName(sid)));
  await fsyncDir(dir);
  await rm(staging, { recursive: true, force: true });
  return {
    sid,
    dir,
    indexPath: join(dir, indexFileName(sid)),
    files: kept,
    lastEi: footer.last_ei,
    finalHash: footer.final_hash,
    events: footer.events,
    eventCounts: footer.event_counts,
    chunkBytes: footer.chunk_bytes,
    recovered: true,
  };
}

export type CompletionOutcome =
  | {
      sid: string;
      status: "completed";
      /** True when this run completed it (it had no footer). */
      recovered: boolean;
      completed: CompletedRecording;
    }
  | { sid: string; status: "failed"; error: Error };

export type RecoveryOutcome =
  | {
      sid: string;
      status: "uploaded";
      /** True when this run completed it (it had no footer). */
      recovered: boolean;
      url: string;
      completed: CompletedRecording;
    }
  | { sid: string; status: "failed"; error: Error };

export interface CompleteAllOptions extends CompleteOptions {
  /** The node's upload folder: uploadDir(dataDir). */
  uploadDir: string;
}

export interface RecoverOptions extends CompleteAllOptions {
  uploader: Uploader;
}

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));

/**
 * Run at start-up, before any session starts recording: completes the recordings in `uploadDir`
 * that have no footer, and returns every recording found there. One bad recording does not stop
 * the others; each gets an outcome.
 */
export async function completeAll(options: CompleteAllOptions): Promise<CompletionOutcome[]> {
  let names: string[];
  try {
    names = await readdir(options.uploadDir);
  } catch (err) {
    if (errorCode(err) === "ENOENT") return [];
    throw err;
  }
  // Staging folders of a recovery that was itself interrupted; their recordings are redone.
  for (const name of names.filter((n) => n.startsWith(STAGING_PREFIX))) {
    await rm(join(options.uploadDir, name), { recursive: true, force: true });
  }
  const outcomes: CompletionOutcome[] = [];
  const sids = names.filter((n) => n.endsWith(".index")).map((n) => n.slice(0, -".index".length));
  for (const sid of sids.sort()) {
    try {
      const reader = await RecordingReader.open(options.uploadDir, { sid });
      const recovered = reader.footer === undefined;
      const completed = await completeUnfinished(options.uploadDir, sid, options);
      outcomes.push({ sid, status: "completed", recovered, completed });
    } catch (err) {
      outcomes.push({ sid, status: "failed", error: asError(err) });
    }
  }
  return outcomes;
}

/** completeAll, then uploads each recording with `uploader`. */
export async function recoverUnfinished(options: RecoverOptions): Promise<RecoveryOutcome[]> {
  const outcomes: RecoveryOutcome[] = [];
  for (const outcome of await completeAll(options)) {
    if (outcome.status === "failed") {
      outcomes.push(outcome);
      continue;
    }
    try {
      const { url } = await options.uploader.upload(outcome.completed);
      outcomes.push({ ...outcome, status: "uploaded", url });
    } catch (err) {
      outcomes.push({ sid: outcome.sid, status: "failed", error: asError(err) });
    }
  }
  return outcomes;
}
