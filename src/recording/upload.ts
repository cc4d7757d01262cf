// Uploading a finished recording. The auth API and S3 will implement Uploader too; LocalUploader
// is the single-host case: the node and the auth server share a data dir.
import { access, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { UploadError } from "./errors.js";
import { errorCode, fsyncDir, moveFile, reasonOf } from "./fs-util.js";
import { indexFileName, sessionsDirUnder } from "./names.js";
import type { CompletedRecording } from "./types.js";

export interface Uploader {
  /** Stores a completed recording where the cluster keeps recordings; returns where it went. */
  upload(completed: CompletedRecording): Promise<{ url: string }>;
}

export interface LocalUploaderOptions {
  dataDir: string;
  /** The auth server's id: recordings go to `<dataDir>/log/<authServerId>/sessions/default`. */
  authServerId: string;
  /** Instead of `<dataDir>/log` (auth_service.audit_sessions_uri). */
  logRoot?: string | undefined;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Moves the files into the auth server's sessions folder (rename, or copy + fsync + unlink across devices). */
export class LocalUploader implements Uploader {
  readonly targetDir: string;

  constructor(options: LocalUploaderOptions) {
    const logRoot = options.logRoot ?? join(options.dataDir, "log");
    this.targetDir = sessionsDirUnder(logRoot, options.authServerId);
  }

  async upload(completed: CompletedRecording): Promise<{ url: string }> {
    try {
      await mkdir(this.targetDir, { recursive: true, mode: 0o700 });
    } catch (err) {
      throw new UploadError(`cannot create ${this.targetDir}: ${reasonOf(err)}`, { cause: err });
    }
    for (const file of completed.files) await this.move(file.path, join(this.targetDir, file.name));
    // The index goes last: at the destination, a recording with an index has all its files.
    const index = join(this.targetDir, indexFileName(completed.sid));
    await this.move(completed.indexPath, index);
    await fsyncDir(this.targetDir);
    await fsyncDir(completed.dir);
    return { url: pathToFileURL(index).href };
  }

  private async move(from: string, to: string): Promise<void> {
    try {
      await moveFile(from, to);
    } catch (err) {
      // An earlier upload that stopped half way already moved this file.
      if (errorCode(err) === "ENOENT" && (await exists(to)) && !(await exists(from))) return;
      throw new UploadError(
        `cannot move ${from} to ${to}: ${reasonOf(err)} (the recording stays in ${dirname(from)} and is uploaded again at the next start)`,
        { cause: err },
      );
    }
  }
}
