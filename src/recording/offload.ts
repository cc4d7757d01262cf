// Worker threads for the recording's bulk work: the SHA-256 of large prints and the gzip of full
// blocks. On the node the main thread also runs SSH (encryption, socket writes) for every
// session; measured with 200 MiB through one session, hashing and compressing there took a
// third of its time. The bytes stay in shared memory (byte-queue.ts): a job passes views only.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { gzipLevelFor } from "./compressibility.js";

// Plain JavaScript run with `eval`: the same source works from dist/ and under tsx, whose
// loader a worker of Node 20 does not inherit.
const WORKER_SOURCE = `"use strict";
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { gzipSync } = require("node:zlib");
parentPort.on("message", (job) => {
  try {
    if (job.op === "digest") {
      const digests = job.inputs.map((parts) => {
        const hash = createHash("sha256");
        for (const part of parts) hash.update(part);
        return hash.digest("hex");
      });
      parentPort.postMessage({ id: job.id, digests });
    } else {
      const members = job.inputs.map((part, i) => gzipSync(part, { level: job.levels[i] }));
      parentPort.postMessage({ id: job.id, members });
    }
  } catch (err) {
    parentPort.postMessage({ id: job.id, error: err instanceof Error ? err.message : String(err) });
  }
});
`;

interface PendingJob {
  resolve(reply: Reply): void;
  reject(error: Error): void;
}

type Reply = { digests: string[] } | { members: Uint8Array[] };

class OffloadThread {
  readonly jobs = new Map<number, PendingJob>();
  private readonly worker = new Worker(WORKER_SOURCE, { eval: true });

  constructor(onGone: (thread: OffloadThread) => void) {
    // Idle, the thread must not keep the process alive; with jobs out, it must.
    this.worker.unref();
    this.worker.on("message", (message: unknown) => this.reply(message));
    const fail = (reason: string): void => {
      onGone(this);
      const error = new Error(`the recording's worker thread stopped: ${reason}`);
      for (const job of this.jobs.values()) job.reject(error);
      this.jobs.clear();
    };
    this.worker.on("error", (err) => fail(err.message));
    this.worker.on("exit", (code) => fail(`it exited with code ${code}`));
  }

  run(id: number, message: object, job: PendingJob): void {
    if (this.jobs.size === 0) this.worker.ref();
    this.jobs.set(id, job);
    this.worker.postMessage(message);
  }

  private reply(message: unknown): void {
    if (typeof message !== "object" || message === null || !("id" in message)) return;
    const id = Number(message.id);
    const job = this.jobs.get(id);
    if (!job) return;
    this.jobs.delete(id);
    if (this.jobs.size === 0) this.worker.unref();
    if ("error" in message) {
      job.reject(new Error(`the recording's worker thread failed: ${String(message.error)}`));
    } else if ("digests" in message && isArrayOf(message.digests, isString)) {
      job.resolve({ digests: message.digests });
    } else if ("members" in message && isArrayOf(message.members, isBytes)) {
      job.resolve({ members: message.members });
    } else {
      job.reject(new Error("the recording's worker thread sent a reply of an unknown shape"));
    }
  }
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}

function isArrayOf<T>(value: unknown, item: (v: unknown) => v is T): value is T[] {
  return Array.isArray(value) && value.every(item);
}

// The main thread keeps a core; a two-core host gets one worker.
const MAX_THREADS = Math.max(1, Math.min(4, availableParallelism() - 1));
const threads: OffloadThread[] = [];
let nextId = 0;

// The least busy thread; another one is started while all are busy and there is room.
function thread(): OffloadThread {
  let best: OffloadThread | undefined;
  for (const t of threads) if (!best || t.jobs.size < best.jobs.size) best = t;
  if (best && (best.jobs.size === 0 || threads.length >= MAX_THREADS)) return best;
  const started = new OffloadThread((gone) => {
    const at = threads.indexOf(gone);
    if (at >= 0) threads.splice(at, 1);
  });
  threads.push(started);
  return started;
}

function run(op: "digest" | "gzip", inputs: unknown[], extra: object = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const id = nextId++;
    thread().run(id, { id, op, inputs, ...extra }, { resolve, reject });
  });
}

/** Hex SHA-256 of each input, an input being its bytes in parts. */
export async function digestOffThread(inputs: Uint8Array[][]): Promise<string[]> {
  const reply = await run("digest", inputs);
  if (!("digests" in reply) || reply.digests.length !== inputs.length) {
    throw new Error("the recording's worker thread answered a digest job with something else");
  }
  return reply.digests;
}

/** Each part compressed as one gzip member, at the level gzipMember would use. */
export async function gzipOffThread(parts: Uint8Array[]): Promise<Buffer[]> {
  // Judged here (12 KiB read per part), by the same function as gzipMember.
  const reply = await run("gzip", parts, { levels: parts.map(gzipLevelFor) });
  if (!("members" in reply) || reply.members.length !== parts.length) {
    throw new Error("the recording's worker thread answered a gzip job with something else");
  }
  return reply.members.map((m) => Buffer.from(m.buffer, m.byteOffset, m.length));
}
