// The hash chain of a recording being written (hash.ts), extended in ei order. The SHA-256 of a
// large print is computed on a worker thread (offload.ts), so events wait here, numbered, until
// every event before them is hashed; then each is handed on with its hash and its JSON line.
import { createHash } from "node:crypto";
import { canonicalJson } from "../events/index.js";
import type { HeldBytes } from "./byte-queue.js";
import { chainHashOfJson } from "./hash.js";
import { RecordingWriteError } from "./errors.js";
import { digestOffThread } from "./offload.js";
import type { StoredEvent, WrittenEvent, WrittenPrint } from "./types.js";

// A smaller print costs less to hash here than a message to the worker thread.
const OFFLOAD_MIN_PRINT = 16 * 1024;

/** A print event's fields, keys in canonical order. */
export interface PrintFields {
  bytes: number;
  ci: number;
  ei: number;
  event: "print";
  ms: number;
  offset: number;
  time: string;
}

/**
 * A print's canonical JSON, written out in key order: a busy session is mostly prints, and having
 * canonicalJson sort a fresh object for each (for the hash, then again with it) cost more than
 * anything else per print but hashing its bytes.
 */
export function printJson(f: PrintFields, hash: string | undefined): string {
  const head = `{"bytes":${f.bytes},"ci":${f.ci},"ei":${f.ei},"event":"print"`;
  const tail = `"ms":${f.ms},"offset":${f.offset},"time":${JSON.stringify(f.time)}}`;
  return hash === undefined ? `${head},${tail}` : `${head},"hash":"${hash}",${tail}`;
}

// The event with "hash" among its keys in code-unit order (the writer gives `fields` sorted), so
// canonicalJson finds it sorted and does not copy it.
function withHash(fields: StoredEvent, hash: string): WrittenEvent {
  const ordered: Record<string, unknown> = {};
  let placed = false;
  for (const key of Object.keys(fields)) {
    if (!placed && key > "hash") {
      ordered.hash = hash;
      placed = true;
    }
    ordered[key] = fields[key];
  }
  // Keys already present keep their place.
  return { ...ordered, event: fields.event, ei: fields.ei, hash };
}

function digestOf(parts: readonly Uint8Array[]): string {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return hash.digest("hex");
}

interface PrintEntry {
  kind: "print";
  fields: PrintFields;
  /** The bytes until they are hashed; undefined once hashed or dropped. */
  held: HeldBytes | undefined;
  digest: string | undefined;
  done: ((print: WrittenPrint) => void) | undefined;
}

interface EventEntry {
  kind: "event";
  fields: StoredEvent;
  done: ((event: WrittenEvent) => void) | undefined;
}

/** Told of each event once hashed, in ei order, with its line for the file (ending in "\n"). */
export type HashedListener = (event: WrittenEvent, line: string) => void;

export class ChainQueue {
  private entries: (PrintEntry | EventEntry)[] = [];
  private toDigest: PrintEntry[] = [];
  private dispatchTimer: NodeJS.Immediate | undefined;
  private readonly jobs = new Set<Promise<void>>();
  /** The hash of the last event hashed ("" before the first). */
  lastHash = "";

  constructor(private readonly onHashed: HashedListener) {}

  /**
   * Adds a print with its bytes, which stay held until hashed: a large print on the worker
   * thread, a small one here and now (cheaper than a message).
   */
  print(fields: PrintFields, bytes: HeldBytes, done?: (print: WrittenPrint) => void): void {
    const entry: PrintEntry = { kind: "print", fields, held: bytes, digest: undefined, done };
    this.entries.push(entry);
    if (fields.bytes < OFFLOAD_MIN_PRINT) {
      entry.digest = digestOf(bytes.parts);
      this.resolve(false);
      return;
    }
    this.toDigest.push(entry);
    // The prints of one turn of the event loop go to the worker in one message.
    this.dispatchTimer ??= setImmediate(() => this.dispatch());
  }

  /** Adds any other event; `fields` must have its keys sorted. */
  event(fields: StoredEvent, done?: (event: WrittenEvent) => void): void {
    this.entries.push({ kind: "event", fields, done });
    this.resolve(false);
  }

  /**
   * Hands on every event that can be hashed, in order. With `force`, prints whose hash is still
   * being computed elsewhere are hashed here, so every event is handed on.
   */
  resolve(force: boolean): void {
    for (;;) {
      const entry = this.entries[0];
      if (!entry) return;
      if (entry.kind === "print") {
        const digest =
          entry.digest ?? (force && entry.held ? digestOf(entry.held.parts) : undefined);
        if (digest === undefined) return;
        this.entries.shift();
        entry.held?.release();
        entry.held = undefined;
        const hash = chainHashOfJson(this.lastHash, printJson(entry.fields, undefined), digest);
        this.lastHash = hash;
        const written: WrittenPrint = { ...entry.fields, hash };
        this.onHashed(written, `${printJson(entry.fields, hash)}\n`);
        entry.done?.(written);
      } else {
        this.entries.shift();
        const hash = chainHashOfJson(this.lastHash, canonicalJson(entry.fields), undefined);
        this.lastHash = hash;
        const written = withHash(entry.fields, hash);
        this.onHashed(written, `${canonicalJson(written)}\n`);
        entry.done?.(written);
      }
    }
  }

  /** Waits for the hashes being computed elsewhere, then hands on every event. */
  async settle(): Promise<void> {
    this.dispatch();
    while (this.jobs.size > 0) await Promise.all(this.jobs);
    this.resolve(true);
  }

  /** Forgets the events not handed on yet (the writer was aborted). */
  drop(): void {
    for (const entry of this.entries) {
      if (entry.kind === "print") {
        entry.held?.release();
        entry.held = undefined;
      }
    }
    this.entries = [];
    this.toDigest = [];
    if (this.dispatchTimer) clearImmediate(this.dispatchTimer);
    this.dispatchTimer = undefined;
  }

  private dispatch(): void {
    if (this.dispatchTimer) clearImmediate(this.dispatchTimer);
    this.dispatchTimer = undefined;
    const batch = this.toDigest;
    if (batch.length === 0) return;
    this.toDigest = [];
    const job = digestOffThread(batch.map((entry) => entry.held?.parts ?? []))
      .then(
        (digests) => batch.forEach((entry, i) => (entry.digest ??= digests[i])),
        // The worker thread is gone: hash here what is still waiting.
        () => {
          for (const entry of batch) {
            if (entry.digest === undefined && entry.held) entry.digest = digestOf(entry.held.parts);
          }
        },
      )
      .finally(() => {
        this.jobs.delete(job);
        this.resolveLater();
      });
    this.jobs.add(job);
  }

  private resolveLater(): void {
    try {
      this.resolve(false);
    } catch (err) {
      // The file set failed: it has told the writer's owner, and throws the error at the
      // writer's next call. Here nobody would catch it.
      if (!(err instanceof RecordingWriteError)) throw err;
    }
  }
}
