// File and folder names of recordings (DESIGN §5). Every name a recording uses comes from here,
// so the writer, reader, recovery and uploader cannot disagree.
import { join } from "node:path";
import { InvalidNameError } from "./errors.js";

/** The enhanced recording event kinds that get a file of their own. */
export const BPF_KINDS = ["session.command", "session.disk", "session.network"] as const;
export type BpfKind = (typeof BPF_KINDS)[number];

/** The data files of a recording, in the order a flush writes them (chunks before the events that point into them). */
export const FILE_KINDS = ["chunks", ...BPF_KINDS, "events"] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/** Teleport's only session namespace. */
export const NAMESPACE = "default";

// Session ids become file names: no separators, no leading dot, no "..".
const SAFE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

/** True when `value` can be used as one path component (a session id or auth server id). */
export function isSafeName(value: string): boolean {
  return SAFE_NAME.test(value) && !value.includes("..");
}

/** Throws unless `value` can be used as one path component (a session id or auth server id). */
export function assertSafeName(value: string, what: string): void {
  if (!isSafeName(value)) {
    throw new InvalidNameError(
      `${what} ${JSON.stringify(value)} cannot be used in a file name: use letters, digits, ".", "_" and "-" only (a session id is normally a UUID)`,
    );
  }
}

/** `<sid>-0.chunks.gz`, `<sid>-0.events.gz`, `<sid>-0.session.command-events.gz`, … */
export function dataFileName(sid: string, kind: FileKind): string {
  switch (kind) {
    case "chunks":
      return `${sid}-0.chunks.gz`;
    case "events":
      return `${sid}-0.events.gz`;
    default:
      return `${sid}-0.${kind}-events.gz`;
  }
}

/** `<sid>.index` */
export function indexFileName(sid: string): string {
  return `${sid}.index`;
}

const SUFFIXES = new Map<string, FileKind>(
  FILE_KINDS.map((kind) => [dataFileName("", kind).slice("-0.".length), kind]),
);

/** The session id and kind of a data file name, or undefined when it is not one. */
export function parseDataFileName(name: string): { sid: string; kind: FileKind } | undefined {
  const match = /^(.+)-0\.(.+)$/.exec(name);
  const kind = match?.[2] === undefined ? undefined : SUFFIXES.get(match[2]);
  if (!match?.[1] || kind === undefined) return undefined;
  return { sid: match[1], kind };
}

/** The file an event belongs in: BPF events by kind, every other session event in events.gz. */
export function fileKindOfEvent(eventName: string): Exclude<FileKind, "chunks"> {
  return BPF_KINDS.find((kind) => kind === eventName) ?? "events";
}

/** `<dataDir>/log/upload/sessions/default`: recordings being written on a node. */
export function uploadDir(dataDir: string): string {
  return join(dataDir, "log", "upload", "sessions", NAMESPACE);
}

/** `<dataDir>/log/<authServerId>/sessions/default`: uploaded recordings. */
export function sessionsDir(dataDir: string, authServerId: string): string {
  return sessionsDirUnder(join(dataDir, "log"), authServerId);
}

/** `<logRoot>/<authServerId>/sessions/default`: uploaded recordings under another root. */
export function sessionsDirUnder(logRoot: string, authServerId: string): string {
  assertSafeName(authServerId, "auth server id");
  return join(logRoot, authServerId, "sessions", NAMESPACE);
}

/** `<dataDir>/log/playbacks/sessions/default`: unpacked copies for playback. */
export function playbacksDir(dataDir: string): string {
  return join(dataDir, "log", "playbacks", "sessions", NAMESPACE);
}
