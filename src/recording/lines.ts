// JSON-lines files inside gzip: split the decompressed members into lines, and turn gzip damage
// into an item so that the lines before it still arrive first.
import { gunzipMembers, GzipDamage } from "./gzip-members.js";

export type LineItem =
  | { kind: "line"; line: number; text: string }
  | { kind: "damage"; damage: GzipDamage; lines: number };

const NEWLINE = 0x0a;

/** The lines of a gzip file (1-based numbers). A line cut off by damage is dropped with it. */
export async function* gzipLines(path: string): AsyncGenerator<LineItem, void, undefined> {
  let rest: Buffer = Buffer.alloc(0);
  let line = 0;
  try {
    for await (const data of gunzipMembers(path)) {
      const buf = rest.length === 0 ? data : Buffer.concat([rest, data]);
      let start = 0;
      for (let end = buf.indexOf(NEWLINE); end >= 0; end = buf.indexOf(NEWLINE, start)) {
        line += 1;
        yield { kind: "line", line, text: buf.toString("utf8", start, end) };
        start = end + 1;
      }
      rest = buf.subarray(start);
    }
  } catch (err) {
    if (!(err instanceof GzipDamage)) throw err;
    yield { kind: "damage", damage: err, lines: line };
    return;
  }
  // The writer ends every line with "\n"; a last line without one is still read.
  if (rest.length > 0) yield { kind: "line", line: line + 1, text: rest.toString("utf8") };
}
