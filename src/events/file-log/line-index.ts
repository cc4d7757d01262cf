// The line index of one day file: per line its byte offset, length, time and hashes of the
// fields searches filter on. It is derived from the file (the only source of truth) by reading
// it once, then extended from where it stopped: the file is append-only, so what was indexed
// never changes. Writers cannot keep it: with O_APPEND from several processes a writer does not
// learn at which offset its lines landed.
import { readSync } from "node:fs";
import { fieldHash } from "./hash.js";
import { timeKey } from "./time-key.js";

/** Line kinds: an event, an empty line (ignored), a damaged line (reported). */
export const LINE_EVENT = 0;
export const LINE_EMPTY = 1;
export const LINE_DAMAGED = 2;

/** Hashed fields, in the order of DayIndex.hashes. */
export const HASHED_FIELDS = ["event", "sid", "user", "login", "server_id"] as const;
export type HashedField = (typeof HASHED_FIELDS)[number];

const CHUNK = 1 << 20;
const NEWLINE = 0x0a;

function grow<T extends Float64Array | Uint32Array | Uint8Array>(array: T, size: number): T {
  if (size <= array.length) return array;
  const bigger = new (array.constructor as new (n: number) => T)(Math.max(size, array.length * 2));
  bigger.set(array);
  return bigger;
}

export class DayIndex {
  /** Lines indexed; entry i is line i + 1 of the file. */
  count = 0;
  /** Bytes of the file covered: always the end of a complete line. */
  covered = 0;
  offsets: Float64Array;
  lengths: Uint32Array;
  /** timeKey of the event; NaN for empty and damaged lines. */
  times: Float64Array;
  kinds: Uint8Array;
  hashes: Record<HashedField, Uint32Array>;
  /** Why each damaged line (by entry) could not be used. */
  damage = new Map<number, string>();
  #order: Uint32Array | undefined;
  #orderCount = -1;
  /** Whether entry order (file order) is already time order: no sorting needed. */
  #inTimeOrder = false;

  constructor(
    /** The file's inode: a file replaced under the same name is indexed again. */
    readonly ino: bigint,
    capacity = 1024,
  ) {
    const size = Math.max(capacity, 1);
    this.offsets = new Float64Array(size);
    this.lengths = new Uint32Array(size);
    this.times = new Float64Array(size);
    this.kinds = new Uint8Array(size);
    this.hashes = {
      event: new Uint32Array(size),
      sid: new Uint32Array(size),
      user: new Uint32Array(size),
      login: new Uint32Array(size),
      server_id: new Uint32Array(size),
    };
  }

  #reserve(size: number): void {
    this.offsets = grow(this.offsets, size);
    this.lengths = grow(this.lengths, size);
    this.times = grow(this.times, size);
    this.kinds = grow(this.kinds, size);
    for (const field of HASHED_FIELDS) this.hashes[field] = grow(this.hashes[field], size);
  }

  /** Adds one line (without its "\n") found at `offset`. */
  add(offset: number, line: string, byteLength: number): void {
    const i = this.count++;
    if (this.count > this.offsets.length) this.#reserve(this.count);
    this.offsets[i] = offset;
    this.lengths[i] = byteLength;
    this.times[i] = NaN;
    const described = describeLine(line);
    if (typeof described === "number") {
      this.kinds[i] = described;
    } else if (typeof described === "string") {
      this.kinds[i] = LINE_DAMAGED;
      this.damage.set(i, described);
    } else {
      this.kinds[i] = LINE_EVENT;
      this.times[i] = described.time;
      for (const field of HASHED_FIELDS) this.hashes[field][i] = fieldHash(described.json[field]);
    }
    this.covered = offset + byteLength + 1;
  }

  /** Takes a saved order of the current entries (see sidecar.ts). */
  setOrder(order: Uint32Array): void {
    this.#order = order;
    this.#orderCount = this.count;
    this.#inTimeOrder = order.every((entry, p) => p === 0 || entry > (order[p - 1] ?? 0));
  }

  /** Entries of events sorted by (time, offset): the order searches return them in. */
  order(): Uint32Array {
    if (this.#order !== undefined && this.#orderCount === this.count) return this.#order;
    const order = new Uint32Array(this.count - countNot(this.kinds, this.count, LINE_EVENT));
    const times = this.times;
    let n = 0;
    let sorted = true;
    let previous = -Infinity;
    for (let i = 0; i < this.count; i++) {
      if (this.kinds[i] !== LINE_EVENT) continue;
      const time = times[i] ?? NaN;
      if (time < previous) sorted = false;
      previous = time;
      order[n++] = i;
    }
    // Lines are usually appended in time order; sort only when they were not. Entry order is
    // file order, so ties stay in file order.
    if (!sorted) order.sort(byTime(times));
    this.#order = order;
    this.#orderCount = this.count;
    this.#inTimeOrder = sorted;
    return order;
  }

  /**
   * Entries whose hashes equal all of `wanted`, in (time, offset) order. One tight pass over a
   * column: for a session's events this is far cheaper than walking the whole sorted order.
   */
  matching(wanted: readonly (readonly [HashedField, number])[]): Uint32Array {
    this.order(); // settles #inTimeOrder
    const [first, ...rest] = wanted;
    if (first === undefined) return this.order();
    const column = this.hashes[first[0]];
    const hash = first[1];
    const found: number[] = [];
    // Damaged and empty lines have hash 0, which no value hashes to: they never match.
    for (let i = 0; i < this.count; i++) if (column[i] === hash) found.push(i);
    const matches = found.filter((i) => rest.every(([field, h]) => this.hashes[field][i] === h));
    const result = Uint32Array.from(matches);
    return this.#inTimeOrder ? result : result.sort(byTime(this.times));
  }
}

/** Compares entries by time, then by entry (file) order. */
function byTime(times: Float64Array): (a: number, b: number) => number {
  return (a, b) => (times[a] ?? 0) - (times[b] ?? 0) || a - b;
}

function countNot(kinds: Uint8Array, count: number, kind: number): number {
  let n = 0;
  for (let i = 0; i < count; i++) if (kinds[i] !== kind) n++;
  return n;
}

type Described = number | string | { time: number; json: Record<string, unknown> };

/** What a line is: LINE_EMPTY, a reason it is damaged, or the event's time and fields. */
function describeLine(line: string): Described {
  if (line.trim() === "") return LINE_EMPTY;
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (err) {
    return `not JSON (${(err as Error).message})`;
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    return "not a JSON object";
  }
  const record = json as Record<string, unknown>;
  if (typeof record["event"] !== "string") return 'no "event" type';
  const time = typeof record["time"] === "string" ? timeKey(record["time"]) : NaN;
  if (Number.isNaN(time)) return 'no valid "time"';
  return { time, json: record };
}

/**
 * Reads the file from `index.covered` to `size` and indexes every complete line. A last line
 * without "\n" is left for later: a writer may be in the middle of it. Chunks are read with
 * synchronous calls (no thread-pool round trip per megabyte) and the event loop gets a turn
 * between chunks, so indexing a large day does not stall the process.
 */
export async function extendIndex(index: DayIndex, fd: number, size: number): Promise<void> {
  let position = index.covered;
  let carry: Buffer = Buffer.alloc(0);
  const chunk = Buffer.allocUnsafe(CHUNK);
  while (position < size) {
    const bytesRead = readSync(fd, chunk, 0, Math.min(CHUNK, size - position), position);
    if (bytesRead === 0) break;
    const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, bytesRead)]) : chunk;
    const end = carry.length + bytesRead;
    const base = position - carry.length;
    let start = 0;
    let newline = data.indexOf(NEWLINE, start);
    while (newline !== -1 && newline < end) {
      index.add(base + start, data.toString("utf8", start, newline), newline - start);
      start = newline + 1;
      newline = data.indexOf(NEWLINE, start);
    }
    carry = Buffer.from(data.subarray(start, end));
    position += bytesRead;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
