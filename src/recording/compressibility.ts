// Whether a block of terminal output is worth deflating. Output that is already compressed or
// encrypted (`tar czf -`, media, archives) is stored as it is: zlib's fastest level crawls over
// such bytes (~60 MB/s here, so the recording held a 300 MB/s session to a sixth of its speed) and
// saves nothing, while a stored gzip member costs a copy and a CRC. Judged by the bytes' order-0
// entropy over a few samples: microseconds per block, and deterministic.
import { constants } from "node:zlib";

const SAMPLE_BYTES = 4096;
/** Smaller blocks are deflated whatever they hold: cheap either way, and samples would overlap. */
const MIN_JUDGED_BYTES = 4 * SAMPLE_BYTES;
/** Bits per byte above which deflate gains next to nothing (random bytes: 8; text: 4 to 5). */
const STORE_ABOVE_BITS = 7.5;

/** Order-0 entropy of `data[start, start + SAMPLE_BYTES)`, in bits per byte. */
function sampleEntropy(data: Uint8Array, start: number): number {
  const counts = new Uint32Array(256);
  for (let i = start; i < start + SAMPLE_BYTES; i++) {
    const byte = data[i] ?? 0;
    counts[byte] = (counts[byte] ?? 0) + 1;
  }
  let bits = 0;
  for (const count of counts) {
    if (count === 0) continue;
    const p = count / SAMPLE_BYTES;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** The gzip level for `data`: the fastest one, or none (stored) when it would not shrink. */
export function gzipLevelFor(data: Uint8Array): number {
  if (data.length < MIN_JUDGED_BYTES) return constants.Z_BEST_SPEED;
  // Stored only if the start, the middle and the end all look random: a block with text in any
  // of them is deflated.
  const starts = [0, (data.length - SAMPLE_BYTES) >> 1, data.length - SAMPLE_BYTES];
  const incompressible = starts.every((start) => sampleEntropy(data, start) > STORE_ABOVE_BITS);
  return incompressible ? constants.Z_NO_COMPRESSION : constants.Z_BEST_SPEED;
}
