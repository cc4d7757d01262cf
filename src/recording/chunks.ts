// Serves print events their bytes from chunks.gz, reading the stream forward as prints arrive in
// order; a print that points behind the read position (only in a damaged recording) restarts it.
import { RecordingDamageError } from "./errors.js";
import { reasonOf } from "./fs-util.js";
import { gunzipMembers, GzipDamage } from "./gzip-members.js";

export type DamageSink = (damage: RecordingDamageError) => void;

export class ChunkReader {
  private iterator: AsyncGenerator<Buffer, void, undefined> | undefined;
  private queue: Buffer[] = [];
  private queued = 0;
  /** Stream offset of the first queued byte. */
  private position = 0;
  private ended = false;
  private damaged = false;
  private shortReported = false;
  /** The last print served whole, for placing damage. */
  private lastEi = -1;

  constructor(
    readonly path: string,
    private readonly report: DamageSink,
    /** False when the file is missing (already reported): every read then comes back empty-handed. */
    private readonly available: boolean,
  ) {}

  /** The `length` bytes at `offset`, or undefined when chunks.gz does not hold them. */
  async read(offset: number, length: number, ei: number): Promise<Buffer | undefined> {
    if (!this.available) return undefined;
    if (offset < this.position) await this.restart();
    while (this.position + this.queued < offset + length && (await this.pull()));
    const end = this.position + this.queued;
    if (end < offset + length) {
      if (!this.damaged && !this.shortReported) {
        this.shortReported = true;
        this.report(
          new RecordingDamageError(
            "chunks-short",
            this.path,
            `ends after ${end} bytes, but print event ei=${ei} needs bytes ${offset}..${offset + length}: print events from here on have no output`,
            { afterEi: this.lastEi, ei },
          ),
        );
      }
      return undefined;
    }
    this.drop(offset - this.position);
    const data = this.take(length);
    this.lastEi = ei;
    return data;
  }

  /** Reads to the end and returns the length of the (readable part of the) stream. */
  async drain(): Promise<number> {
    if (!this.available) return 0;
    while (await this.pull());
    return this.position + this.queued;
  }

  /** Bytes after `used` that no print event accounts for are damage; reports them. */
  async checkNoExtra(used: number): Promise<number> {
    const total = await this.drain();
    if (total > used && !this.damaged) {
      this.report(
        new RecordingDamageError(
          "chunks-extra",
          this.path,
          `holds ${total - used} byte(s) after the last print event's (${total} in all, print events account for ${used})`,
          { afterEi: this.lastEi },
        ),
      );
    }
    return total;
  }

  async close(): Promise<void> {
    await this.iterator?.return();
  }

  private async restart(): Promise<void> {
    await this.close();
    this.iterator = undefined;
    this.queue = [];
    this.queued = 0;
    this.position = 0;
    this.ended = false;
  }

  private async pull(): Promise<boolean> {
    if (this.ended) return false;
    this.iterator ??= gunzipMembers(this.path);
    try {
      const next = await this.iterator.next();
      if (next.done) {
        this.ended = true;
        return false;
      }
      this.queue.push(next.value);
      this.queued += next.value.length;
      return true;
    } catch (err) {
      this.ended = true;
      if (!this.damaged) {
        this.damaged = true;
        const gzip = err instanceof GzipDamage;
        this.report(
          new RecordingDamageError(
            gzip ? err.kind : "file-missing",
            this.path,
            gzip
              ? `${err.message}; print events after ei=${this.lastEi} have no output`
              : `cannot be read: ${reasonOf(err)}`,
            { afterEi: this.lastEi },
          ),
        );
      }
      return false;
    }
  }

  private drop(count: number): void {
    let left = count;
    while (left > 0) {
      const head = this.queue[0];
      if (!head) break;
      if (head.length <= left) {
        this.queue.shift();
        left -= head.length;
        this.queued -= head.length;
        this.position += head.length;
      } else {
        this.queue[0] = head.subarray(left);
        this.queued -= left;
        this.position += left;
        left = 0;
      }
    }
  }

  private take(length: number): Buffer {
    const parts: Buffer[] = [];
    let left = length;
    while (left > 0) {
      const head = this.queue[0];
      if (!head) break;
      const part = head.length <= left ? head : head.subarray(0, left);
      parts.push(part);
      this.drop(part.length);
      left -= part.length;
    }
    const [only] = parts;
    if (parts.length > 1 || !only) return Buffer.concat(parts);
    // Copy a small print, so that it does not pin a whole decompressed member in memory; a print
    // that is most of its member (bulk output) is not worth a copy.
    return only.length * 2 < only.buffer.byteLength ? Buffer.from(only) : only;
  }
}
