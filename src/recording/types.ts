// Shapes shared by the writer, the reader and the tools on top of them.
import type { FileKind } from "./names.js";

/** A session event as stored: a JSON object with its name and index within the session. */
export interface StoredEvent {
  event: string;
  ei: number;
  /** The chain hash (see hash.ts); a stored event read back may lack it if damaged. */
  hash?: unknown;
  [field: string]: unknown;
}

/** A terminal output event in events.gz; its bytes are in chunks.gz. */
export interface PrintEvent extends StoredEvent {
  event: "print";
  time: string;
  /** Number of bytes printed. */
  bytes: number;
  /** Milliseconds since the session started. */
  ms: number;
  /** Byte offset of the printed bytes in the uncompressed chunks stream. */
  offset: number;
  /** Chunk index: 0, 1, 2, … over the print events of the session (Teleport's "ci"). */
  ci: number;
}

/** What the writer returns for each event: the stored object with its ei and hash. */
export type WrittenEvent = StoredEvent & { hash: string };
export type WrittenPrint = PrintEvent & { hash: string };

/** A data file of a recording. */
export interface RecordingFile {
  kind: FileKind;
  /** File name (no folder), e.g. `<sid>-0.events.gz`. */
  name: string;
  /** Full path. */
  path: string;
}

/** A finished recording: its files and the summary its index footer holds. */
export interface CompletedRecording {
  sid: string;
  dir: string;
  indexPath: string;
  /** Data files named by the index (chunks and events always, BPF files when they occurred). */
  files: RecordingFile[];
  /** ei of the last event; -1 for a recording without events. */
  lastEi: number;
  /** Hash of the last event; "" for a recording without events. */
  finalHash: string;
  /** Number of events (lastEi + 1). */
  events: number;
  eventCounts: Record<string, number>;
  /** Length of the uncompressed chunks stream. */
  chunkBytes: number;
  /** True when recovery completed it after the writer stopped without completing. */
  recovered: boolean;
}

interface RecordedBase {
  ei: number;
  /** Which file the event came from, and its line there (1-based). */
  fileKind: Exclude<FileKind, "chunks">;
  file: string;
  line: number;
}

/** A print event read back, with the bytes it printed. */
export interface RecordedPrint extends RecordedBase {
  type: "print";
  event: PrintEvent;
  data: Uint8Array;
}

/** Any other event read back. */
export interface RecordedSessionEvent extends RecordedBase {
  type: "event";
  event: StoredEvent;
}

export type RecordedEvent = RecordedPrint | RecordedSessionEvent;
