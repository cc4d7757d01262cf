// Downloading a published recording into a local folder that RecordingReader.open(dir, { sid })
// plays: the index first (auth logs that read as one playback), then the data files, each
// streamed to disk and renamed into place only once whole.
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { isSafeSessionId, recordingFileNames, type RecordingEntry } from "../api/index.js";
import { AuthClientError, AuthProtocolError } from "./errors.js";

export interface RecordingSource {
  getRecording(sid: string): Promise<RecordingEntry>;
  openRecordingFile(sid: string, name: string): Promise<Readable>;
}

/** The files to fetch, index first; a name that is not the recording's is refused (it becomes a path). */
function filesToFetch(sid: string, entry: RecordingEntry): string[] {
  const known = recordingFileNames(sid);
  const strange = entry.files.find((name) => !known.includes(name));
  if (strange !== undefined) {
    throw new AuthProtocolError(
      `the auth server listed ${JSON.stringify(strange)} as a file of session ${sid}'s recording, which is not a recording file name`,
    );
  }
  return known.filter((name) => entry.files.includes(name));
}

export async function downloadRecording(
  source: RecordingSource,
  sid: string,
  dir: string,
): Promise<RecordingEntry> {
  if (!isSafeSessionId(sid)) {
    throw new AuthClientError(
      `session id ${JSON.stringify(sid)} cannot be used: letters, digits, ".", "_" and "-" only (normally a UUID)`,
    );
  }
  const entry = await source.getRecording(sid);
  const names = filesToFetch(sid, entry);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const name of names) {
    const partial = join(dir, `${name}.part`);
    try {
      await pipeline(
        await source.openRecordingFile(sid, name),
        createWriteStream(partial, { mode: 0o600 }),
      );
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
    await rename(partial, join(dir, name));
  }
  return entry;
}

/** A recording downloaded into a temporary folder, and how to remove it once played. */
export interface DownloadedRecording {
  dir: string;
  remove(): Promise<void>;
}

/** downloadRecording into a new temporary folder (removed again if the download fails). */
export async function downloadRecordingToTemp(
  source: RecordingSource,
  sid: string,
): Promise<DownloadedRecording> {
  const dir = await mkdtemp(join(tmpdir(), "teleport-recording-"));
  const remove = (): Promise<void> => rm(dir, { recursive: true, force: true });
  try {
    await downloadRecording(source, sid, dir);
  } catch (error) {
    await remove();
    throw error;
  }
  return { dir, remove };
}
