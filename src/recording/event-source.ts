// One events file read as a sequence of events: parses each line, attaches print output, and
// reports damage with its position among the file's events.
import { z } from "zod";
import type { ChunkReader, DamageSink } from "./chunks.js";
import { RecordingDamageError } from "./errors.js";
import { reasonOf } from "./fs-util.js";
import { gzipLines, type LineItem } from "./lines.js";
import type { FileKind } from "./names.js";
import type { PrintEvent, RecordedEvent, StoredEvent } from "./types.js";

const count = z.number().int().nonnegative();
const eventSchema = z.looseObject({ event: z.string(), ei: count });
const printSchema = z.looseObject({
  event: z.literal("print"),
  ei: count,
  time: z.string(),
  bytes: count,
  ms: z.number().nonnegative(),
  offset: count,
  ci: count,
});

type Parsed = { ok: true; event: StoredEvent } | { ok: false; reason: string };

function parseEvent(text: string): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `is not JSON (${reasonOf(err)})` };
  }
  const parsed = eventSchema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, reason: 'is not a session event (an object with "event" and "ei")' };
  }
  return { ok: true, event: parsed.data };
}

function parsePrint(event: StoredEvent): PrintEvent | undefined {
  const parsed = printSchema.safeParse(event);
  return parsed.success ? parsed.data : undefined;
}

export interface EventSourceOptions {
  path: string;
  kind: Exclude<FileKind, "chunks">;
  report: DamageSink;
  /** Where print events get their bytes (events.gz only). */
  chunks?: ChunkReader;
}

/**
 * The events of one file in file order. Damaged lines are skipped and reported (the next good
 * event's ei is filled in as `beforeEi` when it is read); at gzip damage the file ends.
 */
export async function* eventSource(
  options: EventSourceOptions,
): AsyncGenerator<RecordedEvent, void, undefined> {
  const { path, kind, report, chunks } = options;
  let lastEi = -1;
  let maxEi = -1;
  // Line damage waiting to learn which event follows it.
  let open: RecordingDamageError[] = [];
  const damage = (d: RecordingDamageError): void => {
    report(d);
    open.push(d);
  };
  const lines = gzipLines(path);
  try {
    for (;;) {
      let next: IteratorResult<LineItem, void>;
      try {
        next = await lines.next();
      } catch (err) {
        // Not damage inside the file but a file we cannot read at all (removed, no permission).
        report(
          new RecordingDamageError("file-missing", path, `cannot be read: ${reasonOf(err)}`, {
            afterEi: lastEi,
          }),
        );
        return;
      }
      if (next.done) return;
      const item = next.value;
      if (item.kind === "damage") {
        const detail =
          item.damage.kind === "truncated"
            ? `${item.damage.message}; events after line ${item.lines} (ei=${lastEi}) are lost`
            : `${item.damage.message} after line ${item.lines} (ei=${lastEi}); the rest of the file cannot be read`;
        report(new RecordingDamageError(item.damage.kind, path, detail, { afterEi: lastEi }));
        return;
      }
      const parsed = parseEvent(item.text);
      if (!parsed.ok) {
        damage(
          new RecordingDamageError("bad-line", path, parsed.reason, {
            line: item.line,
            afterEi: lastEi,
          }),
        );
        continue;
      }
      const event = parsed.event;
      for (const d of open) d.beforeEi = event.ei;
      open = [];
      if (event.ei <= maxEi) {
        report(
          new RecordingDamageError(
            "out-of-order",
            path,
            `event ei=${event.ei} comes after ei=${maxEi} in this file`,
            { line: item.line, afterEi: lastEi, ei: event.ei },
          ),
        );
      }
      maxEi = Math.max(maxEi, event.ei);
      const base = { ei: event.ei, fileKind: kind, file: path, line: item.line };
      if (event.event !== "print") {
        lastEi = event.ei;
        yield { ...base, type: "event", event };
        continue;
      }
      const print = parsePrint(event);
      if (!chunks) {
        damage(
          new RecordingDamageError(
            "bad-line",
            path,
            `is a print event (ei=${event.ei}), which belongs in events.gz`,
            {
              line: item.line,
              afterEi: lastEi,
            },
          ),
        );
        continue;
      }
      if (!print) {
        damage(
          new RecordingDamageError(
            "bad-line",
            path,
            `is a print event without valid time, bytes, ms, offset and ci (ei=${event.ei})`,
            { line: item.line, afterEi: lastEi },
          ),
        );
        continue;
      }
      const data = await chunks.read(print.offset, print.bytes, print.ei);
      // A print without its bytes is left out (the chunks damage is reported once).
      if (!data) continue;
      lastEi = event.ei;
      yield { ...base, type: "print", event: print, data };
    }
  } finally {
    // Closes the file when the reader stops early.
    await lines.return(undefined);
  }
}
