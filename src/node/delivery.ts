// Delivers finished recordings to auth from the node's disk: the session's audit events (when
// the live sender could not deliver them all), then the files, then "complete"; the local copy is
// removed only after auth has published the recording. While auth is unreachable, recordings wait
// on disk and are retried; a node that restarts completes what its sessions left unfinished and
// delivers it. Each event reaches the audit log once: auth skips uids it has already stored.
import { createReadStream } from "node:fs";
import { randomUUID } from "node:crypto";
import { mkdir, open, readdir, readFile, unlink } from "node:fs/promises";
import { basename, join } from "node:path";
import { AuthApiError, MAX_EVENTS_PER_BATCH, type AuthClient } from "../auth/index.js";
import type { Logger } from "../log/index.js";
import { completeAll, RecordingReader, type CompletedRecording } from "../recording/index.js";
import { errorMessage } from "./errors.js";

export interface DeliveryOptions {
  client: AuthClient;
  /** The node's upload folder: uploadDir(dataDir). */
  uploadDir: string;
  /** Where audit events outside any session (refused logins) wait: eventSpoolDir(dataDir). */
  spoolDir: string;
  logger: Logger;
  /** First wait after a failed delivery, doubled up to maxRetryMs (defaults 1 s and 10 s). */
  retryMs?: number;
  maxRetryMs?: number;
}

/** `<dataDir>/log/upload/events`: audit events outside sessions, waiting for auth. */
export function eventSpoolDir(dataDir: string): string {
  return join(dataDir, "log", "upload", "events");
}

interface Pending {
  completed: CompletedRecording;
  /** False when some of its events may not have reached auth yet. */
  eventsDelivered: boolean;
}

/**
 * An answer from auth that a retry cannot change (403, 413, a refused recording…), as opposed
 * to auth being away, busy (5xx, 429) or having it already (409, handled where it is expected).
 */
function refusedForGood(error: unknown): boolean {
  if (!(error instanceof AuthApiError)) return false;
  return error.status >= 400 && error.status < 500 && ![408, 409, 425, 429].includes(error.status);
}

export class RecordingDelivery {
  readonly #options: DeliveryOptions;
  readonly #log: Logger;
  readonly #queue = new Map<string, Pending>();
  /** Spool files of events to send. */
  readonly #spooled = new Set<string>();
  /** Failed runs in a row: auth is away when one fails, so all wait for the same retry. */
  #failures = 0;
  #running: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #idle = new Set<() => void>();

  constructor(options: DeliveryOptions) {
    this.#options = options;
    this.#log = options.logger.child({ component: "node" });
  }

  /** Recordings waiting to be delivered. */
  get size(): number {
    return this.#queue.size;
  }

  /**
   * Keeps `events` on disk (fsynced) until auth has them, so a refused login is audited even
   * when auth is away or the node restarts first.
   */
  async spoolEvents(events: readonly object[]): Promise<void> {
    const { spoolDir } = this.#options;
    await mkdir(spoolDir, { recursive: true, mode: 0o700 });
    const path = join(spoolDir, `${Date.now()}-${randomUUID()}.jsonl`);
    const file = await open(path, "wx", 0o600);
    try {
      await file.writeFile(events.map((e) => `${JSON.stringify(e)}\n`).join(""));
      await file.sync();
    } finally {
      await file.close();
    }
    this.#spooled.add(path);
    this.#kick(0);
  }

  /**
   * At start-up, before any session records: completes the recordings a stopped node left
   * unfinished and queues every recording in the upload folder. Returns how many it queued.
   */
  async recover(): Promise<number> {
    const { uploadDir, spoolDir } = this.#options;
    let queued = 0;
    const spooled = await readdir(spoolDir).catch((error: unknown) => {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    });
    for (const name of spooled.filter((n) => n.endsWith(".jsonl")).sort()) {
      this.#spooled.add(join(spoolDir, name));
      queued += 1;
    }
    if (queued > 0) this.#kick(0);
    for (const outcome of await completeAll({ uploadDir })) {
      const { sid } = outcome;
      if (outcome.status === "failed") {
        this.#log.error(
          { sid, err: outcome.error },
          `The recording of session ${sid} in ${uploadDir} cannot be read: ${errorMessage(outcome.error)}. ` +
            "It stays there; check it with `tctl recordings verify`.",
        );
        continue;
      }
      if (outcome.recovered) {
        this.#log.warn(
          { sid, events: outcome.completed.events },
          "Completed the recording of a session the node did not finish (it stopped); delivering it.",
        );
      }
      this.enqueue(outcome.completed, false);
      queued += 1;
    }
    return queued;
  }

  /** Queues a completed recording; `eventsDelivered` says whether auth has all its events. */
  enqueue(completed: CompletedRecording, eventsDelivered: boolean): void {
    this.#queue.set(completed.sid, { completed, eventsDelivered });
    this.#kick(0);
  }

  /** Resolves when the queue is empty (for tests and an orderly stop). */
  drained(): Promise<void> {
    if (this.#queue.size === 0 && this.#spooled.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.add(resolve));
  }

  /** Stops retrying; what is queued stays on disk for the next start. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  #kick(delayMs: number): void {
    if (this.#closed || this.#running !== undefined) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#running = this.#run().finally(() => {
        this.#running = undefined;
        this.#afterRun();
      });
    }, delayMs);
  }

  #afterRun(): void {
    if (this.#queue.size === 0 && this.#spooled.size === 0) {
      for (const resolve of this.#idle) resolve();
      this.#idle.clear();
      return;
    }
    if (this.#failures === 0) return this.#kick(0);
    const base = this.#options.retryMs ?? 1000;
    this.#kick(Math.min(base * 2 ** (this.#failures - 1), this.#options.maxRetryMs ?? 10_000));
  }

  /** One pass over the spool, then the recordings; the first failure ends it. */
  async #run(): Promise<void> {
    const steps = [
      ...[...this.#spooled].map((path) => ({
        what: `audit events waiting in ${path}`,
        deliver: () => this.#sendSpooled(path),
        done: () => this.#spooled.delete(path),
      })),
      ...[...this.#queue.values()].map((pending) => ({
        what: `the recording of session ${pending.completed.sid}`,
        deliver: () => this.#deliver(pending),
        done: () => this.#queue.delete(pending.completed.sid),
      })),
    ];
    for (const step of steps) {
      if (this.#closed) return;
      try {
        await step.deliver();
      } catch (error) {
        if (refusedForGood(error)) {
          // Auth answered, and the same request would get the same answer: retrying it would
          // hold up everything queued behind it. Its files stay, for the next start.
          this.#log.error(
            { err: error },
            `Auth refused ${step.what}: ${errorMessage(error)}. It stays on the node's disk ` +
              "and is tried again when the node restarts.",
          );
          step.done();
          continue;
        }
        // One warning per outage, not one per retry.
        if (this.#failures === 0) {
          this.#log.warn(
            { err: error },
            `Delivering ${step.what} to auth failed (${errorMessage(error)}); ` +
              "it waits on disk and will be retried.",
          );
        }
        this.#failures += 1;
        return;
      }
      step.done();
      if (this.#failures > 0) {
        this.#log.info(`Auth is reachable again: delivered ${step.what}.`);
        this.#failures = 0;
      }
    }
  }

  async #deliver(pending: Pending): Promise<void> {
    const { client } = this.#options;
    const { completed } = pending;
    if (!pending.eventsDelivered) {
      await this.#sendEvents(completed);
      pending.eventsDelivered = true;
    }
    const files = [
      ...completed.files.map((f) => ({ name: f.name, path: f.path })),
      { name: basename(completed.indexPath), path: completed.indexPath },
    ];
    try {
      for (const file of files) {
        await client.uploadRecordingFile(completed.sid, file.name, createReadStream(file.path));
      }
    } catch (error) {
      // An earlier attempt published it but did not hear back: go on to complete and clean up.
      if (!(error instanceof AuthApiError && error.status === 409)) throw error;
    }
    await client.completeRecording(completed.sid);
    for (const file of files) {
      await unlink(file.path).catch((error: unknown) => {
        // Published already; a copy left behind only takes space.
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
          this.#log.warn({ sid: completed.sid, err: error }, `Cannot remove ${file.path}.`);
        }
      });
    }
  }

  async #sendSpooled(path: string): Promise<void> {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    const events: object[] = [];
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      try {
        events.push(JSON.parse(line) as object);
      } catch {
        // A line cut by a crash mid-write: the file was never complete, so nothing was promised.
        this.#log.warn({ path }, "Skipped a damaged line of spooled audit events.");
      }
    }
    await this.#sendInBatches(events);
    await unlink(path);
  }

  /** The recording's events other than prints (those are in its files only). */
  async #sendEvents(completed: CompletedRecording): Promise<void> {
    const reader = await RecordingReader.open(completed.dir, { sid: completed.sid });
    async function* sessionEvents(): AsyncGenerator<object> {
      for await (const item of reader) if (item.type === "event") yield item.event;
    }
    await this.#sendInBatches(sessionEvents());
  }

  /** At most MAX_EVENTS_PER_BATCH per request (auth's limit). */
  async #sendInBatches(events: Iterable<object> | AsyncIterable<object>): Promise<void> {
    let batch: object[] = [];
    for await (const event of events) {
      batch.push(event);
      if (batch.length === MAX_EVENTS_PER_BATCH) {
        await this.#options.client.sendEvents(batch);
        batch = [];
      }
    }
    if (batch.length > 0) await this.#options.client.sendEvents(batch);
  }
}
