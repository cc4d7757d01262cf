// Walks a recording's events in ei order and checks the hash chain, stopping at the first event
// that does not belong. Shared by verify (which reports that event) and recovery (which keeps
// everything before it).
import { basename } from "node:path";
import type { DamageKind, RecordingDamageError } from "./errors.js";
import { chainHash } from "./hash.js";
import { dataFileName, fileKindOfEvent } from "./names.js";
import type { RecordingReader } from "./reader.js";
import type { RecordedEvent } from "./types.js";

export type ProblemKind = "altered" | "missing" | "reordered" | "truncated" | "unreadable";

/** The first event of a recording that cannot be vouched for: all events before it are intact. */
export interface VerifyProblem {
  ei: number;
  kind: ProblemKind;
  message: string;
  /** The event's name, when the event was read. */
  event?: string;
}

export interface ChainWalk {
  /** Events 0 … verified-1 are intact and chained. */
  verified: number;
  /** Hash of event verified-1 ("" when none). */
  lastHash: string;
  /** Name of event verified-1. */
  lastEvent: string | undefined;
  /** Verified events by name. */
  counts: Map<string, number>;
  /** End of the verified prints' bytes in the chunks stream. */
  chunkBytes: number;
  /** Events read after the first problem (not verified). */
  unverified: number;
  problem: VerifyProblem | undefined;
}

/** How each kind of reader damage is reported by verify. */
export const DAMAGE_PROBLEM: Record<DamageKind, ProblemKind> = {
  "index-missing": "unreadable",
  "index-line": "unreadable",
  "file-missing": "missing",
  "file-unlisted": "altered",
  truncated: "truncated",
  corrupt: "unreadable",
  "bad-line": "unreadable",
  "out-of-order": "reordered",
  "chunks-short": "truncated",
  "chunks-extra": "altered",
};

// Damage that can explain why an event is absent.
const EXPLAINS_ABSENCE = new Set<DamageKind>([
  "truncated",
  "corrupt",
  "bad-line",
  "file-missing",
  "chunks-short",
]);

export function damageProblem(
  damage: RecordingDamageError,
  ei: number,
  event?: string,
): VerifyProblem {
  return {
    ei,
    kind: DAMAGE_PROBLEM[damage.damage],
    message: damage.message,
    ...(event === undefined ? {} : { event }),
  };
}

function where(item: RecordedEvent): string {
  return `${basename(item.file)} line ${item.line}`;
}

// Why event `ei` never arrived: damage in a file that could have held it, else it was removed.
function absent(ei: number, problems: RecordingDamageError[]): VerifyProblem {
  const covering = problems.filter(
    (d) =>
      EXPLAINS_ABSENCE.has(d.damage) &&
      d.afterEi < ei &&
      (d.beforeEi === undefined || d.beforeEi > ei),
  );
  // A damaged line between its neighbours is the most precise explanation.
  const best = covering.find((d) => d.beforeEi !== undefined) ?? covering[0];
  if (best) return damageProblem(best, ei);
  return {
    ei,
    kind: "missing",
    message: `no file of the recording holds ei=${ei}: the event was removed`,
  };
}

function checkEvent(item: RecordedEvent, previous: string): VerifyProblem | undefined {
  const name = item.event.event;
  const belongs = fileKindOfEvent(name);
  if (belongs !== item.fileKind) {
    return {
      ei: item.ei,
      kind: "altered",
      event: name,
      message: `it is in ${where(item)}, but ${name} events belong in ${dataFileName("<sid>", belongs)}`,
    };
  }
  const stored = item.event.hash;
  if (typeof stored !== "string") {
    return {
      ei: item.ei,
      kind: "altered",
      event: name,
      message: `it has no hash (${where(item)})`,
    };
  }
  const expected = chainHash(previous, item.event, item.type === "print" ? item.data : undefined);
  if (expected === stored) return undefined;
  const what =
    item.type === "print"
      ? `the event (${where(item)}) or the ${item.data.length} bytes it printed (chunks.gz bytes ${item.event.offset}..${item.event.offset + item.event.bytes}) were changed`
      : `the event (${where(item)}) was changed`;
  return {
    ei: item.ei,
    kind: "altered",
    event: name,
    message: `its hash does not match its content and the hash of the event before it: ${what}, or an earlier event was changed and re-hashed`,
  };
}

/**
 * Reads the whole recording (so that an event found late is told apart from a missing one) and
 * calls `onVerified` for each event of the intact prefix, in ei order.
 */
export async function walkChain(
  reader: RecordingReader,
  onVerified?: (item: RecordedEvent) => Promise<void> | void,
): Promise<ChainWalk> {
  const walk: ChainWalk = {
    verified: 0,
    lastHash: "",
    lastEvent: undefined,
    counts: new Map(),
    chunkBytes: 0,
    unverified: 0,
    problem: undefined,
  };
  // The ei that did not come when due; decided at the end (missing) or when it shows up late.
  let gap: number | undefined;
  for await (const item of reader) {
    if (walk.problem || gap !== undefined) {
      walk.unverified += 1;
      if (gap !== undefined && item.ei === gap) {
        const moved = reader.problems.find(
          (d) => d.damage === "out-of-order" && d.ei === gap && d.file === item.file,
        );
        walk.problem = {
          ei: gap,
          kind: "reordered",
          event: item.event.event,
          message: moved?.message ?? `it comes after events with larger ei (${where(item)})`,
        };
        gap = undefined;
      }
      continue;
    }
    const next = walk.verified;
    if (item.ei > next) {
      gap = next;
      walk.unverified += 1;
      continue;
    }
    const damaged = reader.problems.find((d) => d.beforeEi === item.ei);
    walk.problem =
      item.ei < next
        ? {
            ei: item.ei,
            kind: "altered",
            event: item.event.event,
            message: `a second event claims ei=${item.ei} (${where(item)}): events were inserted or duplicated`,
          }
        : damaged
          ? damageProblem(damaged, item.ei, item.event.event)
          : checkEvent(item, walk.lastHash);
    if (walk.problem) {
      walk.unverified += 1;
      continue;
    }
    await onVerified?.(item);
    walk.verified += 1;
    walk.lastHash = String(item.event.hash);
    walk.lastEvent = item.event.event;
    walk.counts.set(item.event.event, (walk.counts.get(item.event.event) ?? 0) + 1);
    if (item.type === "print") walk.chunkBytes = item.event.offset + item.event.bytes;
  }
  if (gap !== undefined) walk.problem = absent(gap, reader.problems);
  return walk;
}
