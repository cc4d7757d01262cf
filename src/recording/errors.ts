// Typed errors of src/recording. Each message names the file or value at fault and what to do.

/** Base class: everything this part throws on purpose is a RecordingError. */
export class RecordingError extends Error {
  override name = "RecordingError";
}

/** A session id or auth server id that cannot be a file name. */
export class InvalidNameError extends RecordingError {
  override name = "InvalidNameError";
}

/** A recording with this session id already exists in the folder (ids must be unique). */
export class RecordingExistsError extends RecordingError {
  override name = "RecordingExistsError";
}

/** An event the writer cannot record as given. */
export class InvalidEventError extends RecordingError {
  override name = "InvalidEventError";
}

/** The caller numbered an event (`ei`) out of sequence; the hash chain needs 0, 1, 2, … */
export class EventSequenceError extends RecordingError {
  override name = "EventSequenceError";
}

/** Writing after complete() or abort(). */
export class RecordingClosedError extends RecordingError {
  override name = "RecordingClosedError";
}

/** The file system refused a write; the recording stops taking events (the files stay for recovery). */
export class RecordingWriteError extends RecordingError {
  override name = "RecordingWriteError";
}

/** No recording matches what was asked for. */
export class RecordingNotFoundError extends RecordingError {
  override name = "RecordingNotFoundError";
}

/** Moving a finished recording to its destination failed. */
export class UploadError extends RecordingError {
  override name = "UploadError";
}

/** The ways a stored recording can be damaged, as the reader finds them. */
export type DamageKind =
  /** `<sid>.index` does not exist; the files were found by name instead. */
  | "index-missing"
  /** A line of the index is not a valid index line. */
  | "index-line"
  /** A file the index names does not exist or cannot be opened. */
  | "file-missing"
  /** A file of the session exists that the index does not name. */
  | "file-unlisted"
  /** A gzip file ends in the middle of a member (the writer was killed while writing it). */
  | "truncated"
  /** A gzip file holds bytes that are not valid gzip (or fail its CRC). */
  | "corrupt"
  /** A line of an events file is not a JSON event with an `ei`. */
  | "bad-line"
  /** An events file lists an `ei` after a larger one. */
  | "out-of-order"
  /** chunks.gz ends before the bytes a print event points at. */
  | "chunks-short"
  /** chunks.gz holds bytes after the last print event's. */
  | "chunks-extra";

/** Where the damage sits among a file's events: after `afterEi`, before `beforeEi` (when known). */
export interface DamagePosition {
  /** 1-based line of the events or index file, when the damage is a line. */
  line?: number;
  /** The last event read whole from this file before the damage (-1: none). */
  afterEi: number;
  /** The first event read whole from this file after the damage, once the reader got there. */
  beforeEi?: number;
  /** The event the damage is about, when there is one (out-of-order, chunks-short). */
  ei?: number;
}

/** One problem the reader found in a stored recording. Reading goes on past it where it can. */
export class RecordingDamageError extends RecordingError {
  override name = "RecordingDamageError";
  readonly line: number | undefined;
  readonly afterEi: number;
  beforeEi: number | undefined;
  readonly ei: number | undefined;

  constructor(
    readonly damage: DamageKind,
    /** Path of the damaged file. */
    readonly file: string,
    detail: string,
    position: DamagePosition,
  ) {
    super(`${file}${position.line === undefined ? "" : ` line ${position.line}`}: ${detail}`);
    this.line = position.line;
    this.afterEi = position.afterEi;
    this.beforeEi = position.beforeEi;
    this.ei = position.ei;
  }
}
