// Terminal output being collected into one print event (RecordingWriter.queuePrint): a session
// printing hundreds of MiB/s reads its program's output 64 KiB at a time, and an event per read
// cost more than the output itself (JSON, chain hash, a message to the hashing thread).
import type { HeldBytes } from "./byte-queue.js";
import type { PrintFields } from "./chain-queue.js";

/** The most bytes a print event collects (one larger write is not split). */
export const MAX_PRINT = 1 << 20;
/**
 * How long queuePrint adds output to the same print event: well below what playback can show
 * (a frame is 16 ms at 60 Hz).
 */
export const PRINT_WINDOW_MS = 10;

/** A print event being collected: its fields but the length, and its bytes so far. */
export class OpenPrint {
  private readonly held: HeldBytes[] = [];
  bytes = 0;

  constructor(private readonly start: PrintFields) {}

  append(held: HeldBytes, length: number): void {
    this.held.push(held);
    this.bytes += length;
  }

  fields(): PrintFields {
    return { ...this.start, bytes: this.bytes };
  }

  /** All its bytes, released together. */
  bytesHeld(): HeldBytes {
    const [only] = this.held;
    if (this.held.length === 1 && only) return only;
    return { parts: this.held.flatMap((held) => held.parts), release: () => this.release() };
  }

  /** Lets the blocks holding its bytes be reused (the print was dropped, or hashed). */
  release(): void {
    for (const held of this.held) held.release();
  }
}
