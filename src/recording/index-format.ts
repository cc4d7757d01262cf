// The `<sid>.index` file: JSON lines, appended as the recording grows (docs/recordings.md, "Index").
//   line 1       {"type":"recording","version":1,"sid":…,"start_time":…}
//   then         {"type":<file kind>,"file_name":…,"index":0,"offset":0}   one per data file, before it is written
//   last, once   {"type":"footer","last_ei":…,"final_hash":…,…}            when the recording is complete
import { z } from "zod";
import { canonicalJson } from "../events/index.js";
import { RecordingDamageError } from "./errors.js";
import { dataFileName, FILE_KINDS, type FileKind } from "./names.js";
import { reasonOf } from "./fs-util.js";

const count = z.number().int().nonnegative();

const headerSchema = z.looseObject({
  type: z.literal("recording"),
  version: z.literal(1),
  sid: z.string(),
  /** Session start: print events' `ms` count from here. */
  start_time: z.string(),
});

// Teleport's index entry fields; `index` (first ei) and `offset` (first chunk byte) are always 0
// because a node writes each session as one part ("-0").
const entrySchema = z.looseObject({
  type: z.enum(FILE_KINDS),
  file_name: z.string(),
  index: count,
  offset: count,
});

const salvageSchema = z.object({
  /** Events found after the first one that could not be chained (dropped: they cannot be verified). */
  events_dropped: count,
  /** chunks.gz bytes after the last kept print event. */
  chunk_bytes_dropped: count,
  /** What recovery found wrong (the first is where it stopped); empty when nothing was. */
  problems: z.array(z.string()),
});

const footerSchema = z.looseObject({
  type: z.literal("footer"),
  last_ei: z.number().int().min(-1),
  final_hash: z.string(),
  events: count,
  event_counts: z.record(z.string(), count),
  chunk_bytes: count,
  completed_at: z.string(),
  recovered: z.boolean().optional(),
  salvage: salvageSchema.optional(),
});

const lineSchema = z.discriminatedUnion("type", [headerSchema, entrySchema, footerSchema]);

export type IndexHeader = z.infer<typeof headerSchema>;
export type IndexEntry = z.infer<typeof entrySchema>;
export type IndexFooter = z.infer<typeof footerSchema>;
export type Salvage = z.infer<typeof salvageSchema>;
export type IndexLine = IndexHeader | IndexEntry | IndexFooter;

export function headerLine(sid: string, startTime: string): IndexHeader {
  return { type: "recording", version: 1, sid, start_time: startTime };
}

export function entryLine(sid: string, kind: FileKind): IndexEntry {
  return { type: kind, file_name: dataFileName(sid, kind), index: 0, offset: 0 };
}

export function formatIndexLine(line: IndexLine): string {
  return `${canonicalJson(line)}\n`;
}

export interface ParsedIndex {
  header?: IndexHeader;
  /** Data files the index names, in the order it names them, without duplicates. */
  kinds: FileKind[];
  /** Present once the recording was completed. */
  footer?: IndexFooter;
  damage: RecordingDamageError[];
}

/** Parses an index; lines it cannot use become damage, and the rest is still used. */
export function parseIndex(text: string, path: string, sid: string): ParsedIndex {
  const result: ParsedIndex = { kinds: [], damage: [] };
  const lines = text.split("\n");
  // A complete index ends with "\n"; anything after the last one is a line cut short by a crash.
  const last = lines.pop();
  const unterminated = last !== undefined && last !== "";
  if (unterminated) lines.push(last);
  const bad = (lineNo: number, detail: string): void => {
    result.damage.push(
      new RecordingDamageError("index-line", path, detail, { line: lineNo, afterEi: -1 }),
    );
  };
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    if (unterminated && i === lines.length - 1) {
      bad(lineNo, "is incomplete (no newline): the writer stopped while writing it");
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (err) {
      bad(lineNo, `is not JSON (${reasonOf(err)})`);
      return;
    }
    const parsed = lineSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? ` at "${issue.path.join(".")}"` : "";
      bad(lineNo, `is not an index line: ${issue?.message ?? "invalid"}${where}`);
      return;
    }
    const line = parsed.data;
    if (result.footer) {
      bad(lineNo, "comes after the footer, which must be the last line");
      return;
    }
    if (line.type === "recording") {
      if (line.sid !== sid) bad(lineNo, `is the header of session ${line.sid}, not ${sid}`);
      else if (result.header || i !== 0) bad(lineNo, "is a second header");
      else result.header = line;
    } else if (line.type === "footer") {
      result.footer = line;
    } else if (line.file_name !== dataFileName(sid, line.type)) {
      // The reader only opens the names it derives itself, so an index cannot point it elsewhere.
      bad(
        lineNo,
        `names ${line.file_name}, but the ${line.type} file of session ${sid} is ${dataFileName(sid, line.type)}`,
      );
    } else if (!result.kinds.includes(line.type)) {
      result.kinds.push(line.type);
    }
  });
  if (lines.length === 0) {
    result.damage.push(
      new RecordingDamageError(
        "index-line",
        path,
        "is empty: the writer stopped before writing it",
        {
          afterEi: -1,
        },
      ),
    );
  } else if (!result.header && !result.damage.some((d) => d.line === 1)) {
    bad(1, "is not the recording header line");
  }
  return result;
}
