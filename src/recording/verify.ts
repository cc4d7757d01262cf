// verifyRecording: checks a stored recording end to end: every event present once, in order,
// unchanged (hash chain, including printed bytes), and the index footer agreeing with the events.
// runVerify is `tctl recordings verify SID|PATH`.
import { canonicalJson } from "../events/index.js";
import { damageProblem, walkChain, type ChainWalk, type VerifyProblem } from "./chain.js";
import { reasonOf } from "./fs-util.js";
import type { LocateOptions } from "./locate.js";
import { RecordingReader } from "./reader.js";

export type VerifyResult =
  | {
      ok: true;
      sid: string;
      indexPath: string;
      events: number;
      /** Hash of the last event ("" for a recording without events). */
      finalHash: string;
      chunkBytes: number;
    }
  | { ok: false; sid: string; indexPath: string; problem: VerifyProblem };

// Once every event chains, the recording must also be complete and match its footer.
function checkEnd(reader: RecordingReader, walk: ChainWalk): VerifyProblem | undefined {
  const next = walk.verified;
  const last = next - 1;
  const damage = reader.problems[0];
  if (damage) return damageProblem(damage, next);
  const footer = reader.footer;
  if (!footer) {
    return {
      ei: next,
      kind: "truncated",
      message: `the recording was not completed: ${reader.location.indexPath} has no footer (the node stopped before the session ended; the node completes such recordings when it starts)`,
    };
  }
  if (footer.last_ei > last) {
    return {
      ei: next,
      kind: "missing",
      message: `the index footer says the last event is ei=${footer.last_ei}, but the events end at ei=${last}: events were removed from the end`,
    };
  }
  const atLast = walk.lastEvent === undefined ? {} : { event: walk.lastEvent };
  if (footer.last_ei < last) {
    return {
      ei: footer.last_ei + 1,
      kind: "altered",
      message: `the index footer says the recording ends at ei=${footer.last_ei}: events were added after its end`,
    };
  }
  if (footer.final_hash !== walk.lastHash) {
    return {
      ei: last,
      kind: "altered",
      ...atLast,
      message: `the index footer's final hash ${footer.final_hash || "(none)"} differs from the last event's ${walk.lastHash || "(none)"}: the footer or the events were rewritten`,
    };
  }
  const counts = Object.fromEntries(walk.counts);
  if (
    footer.events !== next ||
    footer.chunk_bytes !== walk.chunkBytes ||
    canonicalJson(footer.event_counts) !== canonicalJson(counts)
  ) {
    return {
      ei: last,
      kind: "altered",
      ...atLast,
      message: `the index footer's counts (${footer.events} events, ${footer.chunk_bytes} chunk bytes, ${canonicalJson(footer.event_counts)}) differ from the recording's (${next}, ${walk.chunkBytes}, ${canonicalJson(counts)})`,
    };
  }
  return undefined;
}

/**
 * Verifies one recording: `target` is an index path, a folder (with options.sid, or holding one
 * recording), or a session id searched in options.dataDir. Names the first bad event.
 * Throws RecordingNotFoundError when there is no such recording.
 */
export async function verifyRecording(
  target: string,
  options: LocateOptions = {},
): Promise<VerifyResult> {
  const reader = await RecordingReader.open(target, options);
  const walk = await walkChain(reader);
  const { sid, indexPath } = reader.location;
  const problem = walk.problem ?? checkEnd(reader, walk);
  if (problem) return { ok: false, sid, indexPath, problem };
  return {
    ok: true,
    sid,
    indexPath,
    events: walk.verified,
    finalHash: walk.lastHash,
    chunkBytes: walk.chunkBytes,
  };
}

export interface VerifyIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

const PHRASE: Record<VerifyProblem["kind"], string> = {
  altered: "was altered",
  missing: "is missing",
  reordered: "is out of order",
  truncated: "is cut off",
  unreadable: "is unreadable",
};

/** One line: `FAILED: recording <sid>: event ei=12 (session.command) was altered: …`. */
export function formatProblem(sid: string, problem: VerifyProblem): string {
  const name = problem.event === undefined ? "" : ` (${problem.event})`;
  return `FAILED: recording ${sid}: event ei=${problem.ei}${name} ${PHRASE[problem.kind]}: ${problem.message}`;
}

/**
 * `tctl recordings verify SID|PATH`: prints `OK: …` on stdout and returns 0, or prints
 * `FAILED: …` on stderr and returns 1 (also when the recording cannot be found or read).
 */
export async function runVerify(
  target: string,
  io: VerifyIo,
  options: LocateOptions = {},
): Promise<number> {
  let result: VerifyResult;
  try {
    result = await verifyRecording(target, options);
  } catch (err) {
    io.stderr(`FAILED: recording ${target}: ${reasonOf(err)}\n`);
    return 1;
  }
  if (!result.ok) {
    io.stderr(`${formatProblem(result.sid, result.problem)}\n`);
    return 1;
  }
  io.stdout(
    `OK: recording ${result.sid}: ${result.events} events, final hash ${result.finalHash || "(none: no events)"}\n`,
  );
  return 0;
}
