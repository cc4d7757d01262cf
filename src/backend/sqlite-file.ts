// The SQLite file on disk: created private (0600), checked before SQLite sees it so that a
// wrong path fails with a message naming it, and SQLite's error codes turned into advice.
import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  openSync,
  statSync,
} from "node:fs";
import { dirname } from "node:path";
import { BackendError } from "./errors.js";

/** The file holds CA private keys and tokens: only its owner may read it. */
export const FILE_MODE = 0o600;

function errnoCode(error: unknown): string | undefined {
  if (error instanceof Error && "code" in error && typeof error.code === "string") {
    return error.code;
  }
  return undefined;
}

function fileError(path: string, error: unknown): BackendError {
  const code = errnoCode(error);
  const folder = dirname(path);
  switch (code) {
    case "ENOENT":
      return new BackendError(
        `cannot open the cluster state database ${path}: the folder ${folder} does not exist; ` +
          `create it or fix data_dir`,
        { cause: error },
      );
    case "ENOTDIR":
      return new BackendError(
        `cannot open the cluster state database ${path}: part of ${folder} is not a folder; ` +
          `fix data_dir`,
        { cause: error },
      );
    case "EISDIR":
      return new BackendError(
        `cannot open the cluster state database ${path}: it is a folder; remove it or fix data_dir`,
        { cause: error },
      );
    case "EACCES":
    case "EPERM":
      return new BackendError(
        `cannot open the cluster state database ${path} for writing: permission denied; run as ` +
          `the user that owns ${folder} (SQLite also writes ${path}-wal and ${path}-shm there)`,
        { cause: error },
      );
    case "EROFS":
      return new BackendError(
        `cannot open the cluster state database ${path} for writing: ${folder} is on a ` +
          `read-only file system; point data_dir at a writable one`,
        { cause: error },
      );
    default:
      return new BackendError(
        `cannot open the cluster state database ${path}: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
  }
}

/**
 * Creates `path` with mode 0600 when it is missing and tightens it to 0600 when it exists
 * (whatever the umask), after checking that its folder exists and is writable.
 */
export function prepareDatabaseFile(path: string): void {
  const folder = dirname(path);
  try {
    if (!statSync(folder).isDirectory()) {
      throw new BackendError(
        `cannot open the cluster state database ${path}: ${folder} is not a folder; fix data_dir`,
      );
    }
    // SQLite creates the -wal and -shm files next to the database: the folder must be writable.
    accessSync(folder, constants.W_OK);
    const fd = openSync(path, constants.O_RDWR | constants.O_CREAT, FILE_MODE);
    try {
      // The mode given to open() is reduced by the umask and ignored for an existing file.
      if ((fstatSync(fd).mode & 0o777) !== FILE_MODE) fchmodSync(fd, FILE_MODE);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    throw error instanceof BackendError ? error : fileError(path, error);
  }
}

/**
 * Sets 0600 on the -wal and -shm files where they exist. SQLite already gives them the
 * database's mode; this covers files left by a process that ran with other settings.
 */
export function tightenCompanionFiles(path: string): void {
  for (const companion of [`${path}-wal`, `${path}-shm`]) {
    try {
      if ((statSync(companion).mode & 0o777) !== FILE_MODE) chmodSync(companion, FILE_MODE);
    } catch (error) {
      if (errnoCode(error) !== "ENOENT") throw fileError(companion, error);
    }
  }
}

/**
 * A BackendError for what SQLite (or better-sqlite3) threw while using `path`; errors that are
 * already BackendErrors pass through.
 */
export function sqliteError(path: string, error: unknown, busyTimeoutMs: number): Error {
  if (error instanceof BackendError) return error;
  const code = errnoCode(error) ?? "";
  const message = error instanceof Error ? error.message : String(error);
  const options = { cause: error };
  if (code === "SQLITE_NOTADB") {
    return new BackendError(
      `${path} is not a SQLite database (${message}): move it aside, or restore the cluster ` +
        `state from a backup; a new database is created when the file does not exist`,
      options,
    );
  }
  if (code.startsWith("SQLITE_CORRUPT")) {
    return new BackendError(
      `${path} is damaged (${message}): restore the cluster state from a backup`,
      options,
    );
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    return new BackendError(
      `${path} stayed locked by another process for more than ${busyTimeoutMs} ms (${message}): ` +
        `find the process holding it (fuser ${path}) and retry`,
      options,
    );
  }
  if (code.startsWith("SQLITE_READONLY")) {
    return new BackendError(
      `${path} is read-only (${message}): the auth server needs to write it, its -wal and -shm ` +
        `files and its folder; run as the user that owns them`,
      options,
    );
  }
  if (code.startsWith("SQLITE_CANTOPEN") || code === "SQLITE_PERM") {
    return new BackendError(
      `cannot open ${path} (${message}): check that it and its folder exist and are writable ` +
        `(SQLite also creates ${path}-wal and ${path}-shm)`,
      options,
    );
  }
  if (code === "SQLITE_FULL") {
    return new BackendError(`${path}: the disk is full (${message}); free some space`, options);
  }
  if (code.startsWith("SQLITE_IOERR")) {
    return new BackendError(`${path}: I/O error (${message}); check the disk`, options);
  }
  return new BackendError(`${path}: ${message}`, options);
}
