// Searching the day files. Only the files of the days in [from, to] are opened (the writer puts
// each event in the file of its own time's UTC day). Within a day, the line index gives the
// candidates in (time, offset) order from hashes of the filtered fields; only candidates are
// read and parsed, and the parsed event decides (hashes can collide).
import { AuditEventParseError } from "../errors.js";
import type { AuditEvent } from "../model.js";
import { parseAuditEvent } from "../parse.js";
import { decodeCursor, encodeCursor, type CursorPosition } from "./cursor.js";
import { fnv1a } from "./hash.js";
import type { IndexCache } from "./index-cache.js";
import { dayOf, listDayFiles, type DayFile, type LogLayout } from "./layout.js";
import type { DayIndex, HashedField } from "./line-index.js";
import { LineReader } from "./line-reader.js";
import {
  queryFingerprint,
  validateQuery,
  type AuditSearchQuery,
  type ValidQuery,
} from "./query.js";

export interface AuditSearchResult {
  /** In time order (ties in file order), at most `limit`. */
  events: AuditEvent[];
  /** Present when the page is full: pass it as `cursor` for the next page (which may be empty). */
  nextCursor?: string;
  /** Lines of the day files read that could not be used, as "file:line: why". */
  problems: string[];
}

const MAX_PROBLEMS = 100;

/** The query's exact-match fields as index hashes (the parsed event confirms each). */
interface Filters {
  types: number[] | undefined;
  exact: [HashedField, number][];
  fields: [string, string][];
  text: string | undefined;
}

function filtersOf(query: ValidQuery): Filters {
  const fields: [HashedField, string | undefined][] = [
    ["sid", query.sid],
    ["user", query.user],
    ["login", query.login],
    ["server_id", query.serverId],
  ];
  const given = fields.filter((f): f is [HashedField, string] => f[1] !== undefined);
  return {
    types: query.eventTypes?.map(fnv1a),
    exact: given.map(([field, value]) => [field, fnv1a(value)]),
    fields: given,
    text: query.text?.toLowerCase(),
  };
}

/** The first p in [0, length) where `after(p)` holds; it must hold from there to the end. */
function partition(length: number, after: (p: number) => boolean): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (after(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

class Page {
  readonly events: AuditEvent[] = [];
  readonly problems: string[] = [];
  #extraProblems = 0;
  last: CursorPosition | undefined;

  constructor(readonly limit: number) {}

  get full(): boolean {
    return this.events.length >= this.limit;
  }

  problem(text: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(text);
    else this.#extraProblems++;
  }

  allProblems(): string[] {
    if (this.#extraProblems === 0) return this.problems;
    return [...this.problems, `... and ${this.#extraProblems} more problems`];
  }
}

export class AuditLogSearcher {
  readonly #layout: LogLayout;
  readonly #cache: IndexCache;
  readonly #now: () => Date;

  constructor(layout: LogLayout, cache: IndexCache, now: () => Date) {
    this.#layout = layout;
    this.#cache = cache;
    this.#now = now;
  }

  /** Brings a day's line index up to date (and saves it when the day is past). */
  async indexDay(day: string): Promise<void> {
    const file = listDayFiles(this.#layout).find((f) => f.day === day);
    if (file !== undefined) await this.#cache.refresh(file, day < dayOf(this.#now()));
  }

  async search(input: AuditSearchQuery): Promise<AuditSearchResult> {
    const query = validateQuery(input);
    const fingerprint = queryFingerprint(query);
    const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, fingerprint);
    const asc = query.order === "asc";
    const first = dayOf(query.from);
    const last = dayOf(query.to);
    let files = listDayFiles(this.#layout).filter((f) => f.day >= first && f.day <= last);
    if (cursor !== undefined) {
      files = files.filter((f) => (asc ? f.day >= cursor.day : f.day <= cursor.day));
    }
    if (!asc) files.reverse();

    const page = new Page(query.limit);
    const filters = filtersOf(query);
    const today = dayOf(this.#now());
    for (const file of files) {
      const { index, tail } = await this.#cache.refresh(file, file.day < today);
      reportDamage(page, file, index, tail > 0 && file.day < today ? tail : 0);
      this.#scanDay(page, file, index, query, filters, cursor);
      if (page.full) break;
    }
    const result: AuditSearchResult = { events: page.events, problems: page.allProblems() };
    if (page.full && page.last !== undefined) {
      result.nextCursor = encodeCursor(page.last, fingerprint);
    }
    return result;
  }

  #scanDay(
    page: Page,
    file: DayFile,
    index: DayIndex,
    query: ValidQuery,
    filters: Filters,
    cursor: CursorPosition | undefined,
  ): void {
    const { times, offsets, lengths, hashes } = index;
    // The entries to walk, in (time, offset) order: all events, or those matching the filters.
    const order = filters.exact.length > 0 ? index.matching(filters.exact) : index.order();
    const entry = (p: number): number => order[p] ?? 0;
    const timeAt = (p: number): number => times[entry(p)] ?? NaN;
    const fromKey = query.from.getTime();
    // `to` counts to the end of its millisecond: times carry sub-millisecond fractions.
    const toEnd = query.to.getTime() + 1;
    const asc = query.order === "asc";
    const n = order.length;
    let p = asc
      ? partition(n, (q) => timeAt(q) >= fromKey)
      : partition(n, (q) => timeAt(q) >= toEnd) - 1;
    const stop = asc
      ? partition(n, (q) => timeAt(q) >= toEnd)
      : partition(n, (q) => timeAt(q) >= fromKey) - 1;
    if (cursor?.day === file.day) {
      // Positions after the cursor's event in (time, offset) order; keys are unique in a file.
      const { time, offset } = cursor;
      const after = partition(n, (q) => {
        const t = timeAt(q);
        return t > time || (t === time && (offsets[entry(q)] ?? 0) > offset);
      });
      const isCursor = (q: number): boolean =>
        q >= 0 && timeAt(q) === time && offsets[entry(q)] === offset;
      if (asc) p = Math.max(p, after);
      else p = Math.min(p, isCursor(after - 1) ? after - 2 : after - 1);
    }
    const step = asc ? 1 : -1;
    const types = filters.types;
    const eventHashes = hashes.event;
    const reader = new LineReader(file.path, asc);
    try {
      for (; asc ? p < stop : p > stop; p += step) {
        const i = order[p] ?? 0;
        if (types !== undefined && !types.includes(eventHashes[i] ?? 0)) continue;
        const offset = offsets[i] ?? 0;
        const line = reader.line(offset, lengths[i] ?? 0);
        const event = this.#match(page, file, i, line, query, filters);
        if (event === undefined) continue;
        page.events.push(event);
        page.last = { day: file.day, time: times[i] ?? NaN, offset };
        if (page.full) return;
      }
    } finally {
      reader.close();
    }
  }

  /** The event of a candidate line when it really matches; a bad event is a problem. */
  #match(
    page: Page,
    file: DayFile,
    entry: number,
    line: string,
    query: ValidQuery,
    filters: Filters,
  ): AuditEvent | undefined {
    if (filters.text !== undefined && !line.toLowerCase().includes(filters.text)) return undefined;
    let event: AuditEvent;
    try {
      event = parseAuditEvent(JSON.parse(line));
    } catch (err) {
      const why = err instanceof AuditEventParseError ? err.message : String(err);
      page.problem(`${file.path}:${entry + 1}: ${why}`);
      return undefined;
    }
    if (query.eventTypes !== undefined && !query.eventTypes.includes(event.event)) return undefined;
    const record = event as Record<string, unknown>;
    const exact = filters.fields.every(([field, value]) => record[field] === value);
    return exact ? event : undefined;
  }
}

function reportDamage(page: Page, file: DayFile, index: DayIndex, tornTail: number): void {
  for (const [entry, why] of index.damage) page.problem(`${file.path}:${entry + 1}: ${why}`);
  if (tornTail > 0) {
    page.problem(
      `${file.path}:${index.count + 1}: incomplete last line (${tornTail} bytes without a newline)`,
    );
  }
}
