// Session recordings: files PUT one by one into staging, then completed (verified, published),
// then read back by auditors (GET, one file at a time, index first).
import { z } from "zod";
import { dataFileName, FILE_KINDS, indexFileName, isSafeName } from "../../recording/index.js";
import { isoDate } from "./common.js";

/** A session id the recording store can use as a file name, of a sane length. */
export function isSafeSessionId(sid: string): boolean {
  return isSafeName(sid) && sid.length <= 128;
}

/** The only names a recording of `sid` has: its index first, then one file per kind. */
export function recordingFileNames(sid: string): string[] {
  return [indexFileName(sid), ...FILE_KINDS.map((kind) => dataFileName(sid, kind))];
}

export const uploadFileResponse = z.object({ name: z.string(), bytes: z.number() });

export const completeRecordingResponse = z.object({
  sid: z.string(),
  url: z.string(),
  events: z.number(),
  /** True when an earlier request already published it (a retried complete). */
  alreadyPublished: z.boolean(),
});
export type CompleteRecordingResponse = z.output<typeof completeRecordingResponse>;

/** What a recording holds, read from its events once and kept by auth (see recording-summary). */
export const recordingSummary = z.object({
  /** Session start and end (RFC 3339). */
  start: z.string(),
  end: z.string(),
  durationMs: z.number(),
  /** Who started the session ("" when the recording does not say), as which login, where. */
  user: z.string(),
  login: z.string(),
  participants: z.array(z.string()),
  serverId: z.string(),
  serverHostname: z.string(),
  interactive: z.boolean(),
  enhancedRecording: z.boolean(),
  /** Enhanced recording events of each kind in the recording. */
  counts: z.object({ command: z.number(), network: z.number(), disk: z.number() }),
});
export type RecordingSummary = z.output<typeof recordingSummary>;

export const recordingEntry = z.object({
  sid: z.string(),
  files: z.array(z.string()),
  bytes: z.number(),
  published: isoDate,
  summary: recordingSummary,
});
export type RecordingEntry = z.output<typeof recordingEntry>;

export const listRecordingsResponse = z.object({ recordings: z.array(recordingEntry) });
