// Session recordings: written on the node as the session runs, read back for playback, verified
// by their hash chain, recovered after a crash and uploaded (docs/recordings.md).
export { RecordingWriter, type EventInput, type RecordingWriterOptions } from "./writer.js";
export { RecordingReader } from "./reader.js";
export {
  formatProblem,
  runVerify,
  verifyRecording,
  type VerifyIo,
  type VerifyResult,
} from "./verify.js";
export type { ProblemKind, VerifyProblem } from "./chain.js";
export { LocalUploader, type LocalUploaderOptions, type Uploader } from "./upload.js";
export {
  completeAll,
  completeUnfinished,
  recoverUnfinished,
  type CompleteAllOptions,
  type CompleteOptions,
  type CompletionOutcome,
  type RecoverOptions,
  type RecoveryOutcome,
} from "./recover.js";
export {
  DEFAULT_DATA_DIR,
  locateRecording,
  type LocateOptions,
  type RecordingLocation,
} from "./locate.js";
export { chainHash, sha256Hex } from "./hash.js";
export {
  BPF_KINDS,
  FILE_KINDS,
  NAMESPACE,
  dataFileName,
  fileKindOfEvent,
  indexFileName,
  isSafeName,
  parseDataFileName,
  playbacksDir,
  sessionsDir,
  sessionsDirUnder,
  uploadDir,
  type BpfKind,
  type FileKind,
} from "./names.js";
export type { IndexEntry, IndexFooter, IndexHeader, ParsedIndex, Salvage } from "./index-format.js";
export type {
  CompletedRecording,
  PrintEvent,
  RecordedEvent,
  RecordedPrint,
  RecordedSessionEvent,
  RecordingFile,
  StoredEvent,
  WrittenEvent,
  WrittenPrint,
} from "./types.js";
export {
  EventSequenceError,
  InvalidEventError,
  InvalidNameError,
  RecordingClosedError,
  RecordingDamageError,
  RecordingError,
  RecordingExistsError,
  RecordingNotFoundError,
  RecordingWriteError,
  UploadError,
  type DamageKind,
} from "./errors.js";
export {
  asciicastLines,
  buildTimeline,
  parseSpeed,
  replay,
  screenText,
  SPEEDS,
  type Frame,
  type Speed,
  type Timeline,
} from "./playback/index.js";
