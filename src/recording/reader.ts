// RecordingReader: one recording's files merged back into one stream of events in ei order, with
// print events carrying their bytes.
//
// Damage does not stop reading: the reader yields every event it can read whole, in ei order,
// and records what it could not read in `problems` (RecordingDamageError: the file, the line
// when there is one, and what is wrong). Iteration itself only throws for errors that are not
// about the recording's content (e.g. a folder that cannot be listed). So everything before the
// damage is always returned, and often what comes after it too.
import { readdir, readFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { ChunkReader } from "./chunks.js";
import { RecordingDamageError } from "./errors.js";
import { eventSource } from "./event-source.js";
import { errorCode, reasonOf } from "./fs-util.js";
import {
  parseIndex,
  type IndexFooter,
  type IndexHeader,
  type ParsedIndex,
} from "./index-format.js";
import { locateRecording, type LocateOptions, type RecordingLocation } from "./locate.js";
import { dataFileName, FILE_KINDS, parseDataFileName, type FileKind } from "./names.js";
import type { RecordedEvent, RecordingFile } from "./types.js";

interface DataFile {
  kind: FileKind;
  path: string;
  exists: boolean;
}

async function readIndex(location: RecordingLocation): Promise<ParsedIndex | RecordingDamageError> {
  let text: string;
  try {
    text = await readFile(location.indexPath, "utf8");
  } catch (err) {
    const missing = errorCode(err) === "ENOENT";
    return new RecordingDamageError(
      missing ? "index-missing" : "index-line",
      location.indexPath,
      missing
        ? "does not exist (every recording has one: it was deleted or moved); reading the session's files found by name instead"
        : `cannot be read (${reasonOf(err)}); reading the session's files found by name instead`,
      { afterEi: -1 },
    );
  }
  return parseIndex(text, location.indexPath, location.sid);
}

async function presentKinds(location: RecordingLocation): Promise<Set<FileKind>> {
  const kinds = new Set<FileKind>();
  for (const name of await readdir(location.dir)) {
    const data = parseDataFileName(name);
    if (data?.sid === location.sid) kinds.add(data.kind);
  }
  return kinds;
}

export class RecordingReader implements AsyncIterable<RecordedEvent> {
  /** Damage found so far: at open (index, missing files), then as reading goes on. */
  problems: RecordingDamageError[];
  /** Length of the readable chunks stream, known after a full read. */
  chunkBytes: number | undefined;

  private constructor(
    readonly location: RecordingLocation,
    /** The parsed index, or undefined when it is missing or unreadable. */
    readonly index: ParsedIndex | undefined,
    private readonly files: DataFile[],
    private readonly openDamage: RecordingDamageError[],
  ) {
    this.problems = [...openDamage];
  }

  /** Opens a recording: an index path, a folder (+ options.sid), or a session id in options.dataDir. */
  static async open(target: string, options: LocateOptions = {}): Promise<RecordingReader> {
    const location = await locateRecording(target, options);
    const index = await readIndex(location);
    const damage = index instanceof RecordingDamageError ? [index] : [...index.damage];
    const listed = index instanceof RecordingDamageError ? undefined : index.kinds;
    const present = await presentKinds(location);
    const files: DataFile[] = [];
    for (const kind of FILE_KINDS) {
      const path = join(location.dir, dataFileName(location.sid, kind));
      const isListed = listed?.includes(kind) ?? false;
      const exists = present.has(kind);
      if (!isListed && !exists) continue;
      if (listed && isListed && !exists) {
        damage.push(
          new RecordingDamageError(
            "file-missing",
            path,
            "is named by the index but does not exist",
            {
              afterEi: -1,
            },
          ),
        );
      } else if (listed && !isListed) {
        damage.push(
          new RecordingDamageError(
            "file-unlisted",
            path,
            "belongs to the session but the index does not name it; read anyway",
            { afterEi: -1 },
          ),
        );
      }
      files.push({ kind, path, exists });
    }
    return new RecordingReader(
      location,
      index instanceof RecordingDamageError ? undefined : index,
      files,
      damage,
    );
  }

  get sid(): string {
    return this.location.sid;
  }

  get header(): IndexHeader | undefined {
    return this.index?.header;
  }

  /** The index footer: present once the recording was completed. */
  get footer(): IndexFooter | undefined {
    return this.index?.footer;
  }

  /** The session's data files that exist, whether or not the index names them. */
  existingFiles(): RecordingFile[] {
    return this.files
      .filter((file) => file.exists)
      .map((file) => ({ kind: file.kind, name: basename(file.path), path: file.path }));
  }

  /** Events in ei order. Each iteration reads the files afresh and resets `problems`. */
  async *[Symbol.asyncIterator](): AsyncGenerator<RecordedEvent, void, undefined> {
    const problems = [...this.openDamage];
    this.problems = problems;
    this.chunkBytes = undefined;
    const report = (damage: RecordingDamageError): void => {
      problems.push(damage);
    };
    const chunkFile = this.files.find((f) => f.kind === "chunks");
    const chunks = new ChunkReader(
      chunkFile?.path ?? join(this.location.dir, dataFileName(this.sid, "chunks")),
      report,
      chunkFile?.exists ?? false,
    );
    const sources = this.files.flatMap((file) =>
      file.kind === "chunks" || !file.exists
        ? []
        : [
            eventSource({
              path: file.path,
              kind: file.kind,
              report,
              ...(file.kind === "events" ? { chunks } : {}),
            }),
          ],
    );
    try {
      const heads = await Promise.all(sources.map(async (s) => (await s.next()).value));
      let printEnd = 0;
      for (;;) {
        // Each file is in ei order, so the smallest head is the next event of the session.
        let pick = -1;
        heads.forEach((head, i) => {
          const best = heads[pick];
          if (head && (!best || head.ei < best.ei)) pick = i;
        });
        const event = heads[pick];
        const source = sources[pick];
        if (!event || !source) break;
        if (event.type === "print")
          printEnd = Math.max(printEnd, event.event.offset + event.data.length);
        yield event;
        heads[pick] = (await source.next()).value;
      }
      this.chunkBytes = await chunks.checkNoExtra(printEnd);
    } finally {
      await Promise.all(sources.map((s) => s.return()));
      await chunks.close();
    }
  }

  /** Reads the whole recording into memory (fine for tests and short sessions). */
  async readAll(): Promise<{ events: RecordedEvent[]; problems: RecordingDamageError[] }> {
    const events: RecordedEvent[] = [];
    for await (const event of this) events.push(event);
    return { events, problems: this.problems };
  }
}
