// The SSH wire encoding (RFC 4251 §5) used inside keys and certificates: big-endian uint32 and
// uint64, and length-prefixed strings. Only the types certificates and ed25519 keys need.

import { SshFormatError } from "../errors.js";

const UINT64_MAX = 0xffff_ffff_ffff_ffffn;

/** Builds SSH wire data. */
export class SshWriter {
  private readonly parts: Buffer[] = [];

  uint32(value: number): this {
    if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
      throw new RangeError(`uint32 out of range: ${value}`);
    }
    const b = Buffer.alloc(4);
    b.writeUInt32BE(value);
    this.parts.push(b);
    return this;
  }

  uint64(value: bigint): this {
    if (value < 0n || value > UINT64_MAX) throw new RangeError(`uint64 out of range: ${value}`);
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(value);
    this.parts.push(b);
    return this;
  }

  /** A length-prefixed byte string; text is written as UTF-8. */
  string(value: Uint8Array | string): this {
    const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : Buffer.from(value);
    this.uint32(bytes.length);
    this.parts.push(bytes);
    return this;
  }

  /** Bytes with no length prefix (padding, magic). */
  raw(value: Uint8Array): this {
    this.parts.push(Buffer.from(value));
    return this;
  }

  get length(): number {
    return this.parts.reduce((n, p) => n + p.length, 0);
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}

/** Reads SSH wire data; every read checks bounds and throws SshFormatError naming `what`. */
export class SshReader {
  private offset = 0;

  constructor(
    private readonly data: Buffer,
    private readonly what: string,
  ) {}

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.data.length - this.offset;
  }

  private take(n: number, field: string): Buffer {
    if (n > this.remaining) {
      throw new SshFormatError(
        this.what,
        `truncated: ${field} needs ${n} bytes at offset ${this.offset}, ${this.remaining} left`,
      );
    }
    const out = this.data.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  uint32(field: string): number {
    return this.take(4, field).readUInt32BE();
  }

  uint64(field: string): bigint {
    return this.take(8, field).readBigUInt64BE();
  }

  bytes(field: string): Buffer {
    const n = this.uint32(`${field} length`);
    return this.take(n, field);
  }

  /** A string field that must be valid UTF-8 text. */
  text(field: string): string {
    const bytes = this.bytes(field);
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
      throw new SshFormatError(this.what, `${field} is not valid UTF-8`);
    }
  }

  raw(n: number, field: string): Buffer {
    return this.take(n, field);
  }

  /** Throws unless every byte was consumed: trailing data means a damaged or foreign blob. */
  end(): void {
    if (this.remaining !== 0) {
      throw new SshFormatError(
        this.what,
        `${this.remaining} unexpected bytes after the last field`,
      );
    }
  }
}
