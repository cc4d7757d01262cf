// The bytes one recording file holds until its next flush, copied into blocks that are reused.
// Bulk output (hundreds of MiB/s through one session) would otherwise allocate a fresh buffer per
// print and per flush: measured on the node, those allocations (page faults, GC) cost several
// times the copying itself. Blocks are shared memory, so the recording's worker thread
// (offload.ts) hashes and compresses them where they are.

/** The largest block; a flush compresses each block as a gzip member of its own. */
export const MAX_BLOCK = 1 << 20;
// A quiet session (a prompt, an echo) holds one small block, not a megabyte.
const MIN_BLOCK = 16 * 1024;
// Free blocks kept for the next flushes of any recording of this process, by size.
const POOL_LIMIT_BYTES = 16 * MAX_BLOCK;

class Block {
  readonly data: Buffer;
  /**
   * Owners: the queue until the flush that took the block has compressed it, and each print
   * whose bytes are in it until its hash is computed. The last one hands the block back.
   */
  private owners = 1;

  constructor(size: number) {
    this.data = Buffer.from(new SharedArrayBuffer(size));
  }

  retain(): void {
    this.owners += 1;
  }

  release(): void {
    this.owners -= 1;
    if (this.owners > 0 || pooledBytes + this.data.length > POOL_LIMIT_BYTES) return;
    this.owners = 1;
    const free = pool.get(this.data.length);
    if (free) free.push(this);
    else pool.set(this.data.length, [this]);
    pooledBytes += this.data.length;
  }
}

const pool = new Map<number, Block[]>();
let pooledBytes = 0;

function newBlock(size: number): Block {
  const reused = pool.get(size)?.pop();
  if (!reused) return new Block(size);
  pooledBytes -= size;
  return reused;
}

/** Bytes in blocks of a queue, kept from reuse until `release`. */
export interface HeldBytes {
  /** The bytes, in order (more than one part when they cross a block boundary). */
  parts: Buffer[];
  /** Lets the blocks be reused: `parts` must not be read afterwards. Idempotent. */
  release(): void;
}

function holding(parts: Buffer[], blocks: Block[]): HeldBytes {
  let released = false;
  return {
    parts,
    release: () => {
      if (released) return;
      released = true;
      for (const block of blocks) block.release();
    },
  };
}

export class ByteQueue {
  private sealed: Buffer[] = [];
  private blocks: Block[] = [];
  private block: Block | undefined;
  private used = 0;
  // What the last flush took: a queue that was busy then likely still is.
  private lastTaken = 0;
  /** Bytes queued. */
  length = 0;

  /** Copies `data` into the queue. */
  append(data: Uint8Array): void {
    this.copy(data, undefined);
  }

  /** Copies `data` into the queue and keeps the copy readable until the result is released. */
  appendHeld(data: Uint8Array): HeldBytes {
    const parts: Buffer[] = [];
    const blocks: Block[] = [];
    this.copy(data, (block, part) => {
      block.retain();
      blocks.push(block);
      parts.push(part);
    });
    return holding(parts, blocks);
  }

  /** Queues `text` as UTF-8, without an intermediate buffer. */
  appendText(text: string): void {
    const size = Buffer.byteLength(text);
    if (size > MAX_BLOCK) {
      this.append(Buffer.from(text));
      return;
    }
    // A line stays whole in one block, so it is encoded in one step.
    if (this.block && this.block.data.length - this.used < size) this.seal();
    const block = this.room(size);
    block.data.write(text, this.used);
    this.used += size;
    this.length += size;
  }

  /** Empties the queue; undefined when it holds nothing. */
  take(): HeldBytes | undefined {
    if (this.length === 0) return undefined;
    this.seal();
    const taken = holding(this.sealed, this.blocks);
    this.sealed = [];
    this.blocks = [];
    this.lastTaken = this.length;
    this.length = 0;
    return taken;
  }

  private copy(data: Uint8Array, placed: ((block: Block, part: Buffer) => void) | undefined): void {
    let at = 0;
    while (at < data.length) {
      const block = this.room(data.length - at);
      const count = Math.min(block.data.length - this.used, data.length - at);
      block.data.set(data.subarray(at, at + count), this.used);
      placed?.(block, block.data.subarray(this.used, this.used + count));
      this.used += count;
      at += count;
    }
    this.length += data.length;
  }

  // The current block if it has space left, else a new one sized for how busy the queue is.
  private room(wanted: number): Block {
    if (this.block && this.used < this.block.data.length) return this.block;
    this.seal();
    let size = MIN_BLOCK;
    const busy = Math.max(wanted, this.length, this.lastTaken);
    while (size < MAX_BLOCK && size < busy) size *= 2;
    const block = newBlock(size);
    this.block = block;
    this.blocks.push(block);
    return block;
  }

  private seal(): void {
    if (this.block && this.used > 0) this.sealed.push(this.block.data.subarray(0, this.used));
    this.block = undefined;
    this.used = 0;
  }
}
