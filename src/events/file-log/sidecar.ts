// The line index of a past day saved next to its file (YYYY-MM-DD.00:00:00.idx), so a process
// that starts later need not read the day's events again. It is a cache: it names the inode and
// the byte count it covers, and anything that does not match makes it ignored and rebuilt.
//
// Layout: a 48-byte header (magic, entry count, order length, covered bytes, inode, damage
// length, byte-order mark), then columns in native byte order: offsets, times (f64); lengths,
// the five hashes, the sorted order (u32); kinds (u8); then the damage reasons as JSON
// [[entry, reason], ...].
import { randomBytes } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { chmod, rename, rm, writeFile } from "node:fs/promises";
import { FILE_MODE } from "./layout.js";
import { DayIndex, HASHED_FIELDS } from "./line-index.js";

const MAGIC = "TLIDX002";
const BYTE_ORDER = 0x01020304;
const HEADER = 48;
const BYTES_PER_ENTRY = 8 + 8 + 4 + 4 * HASHED_FIELDS.length + 1;

type Column = Float64Array | Uint32Array | Uint8Array;

const bytesOf = (column: Column, length: number): Uint8Array =>
  new Uint8Array(column.buffer, column.byteOffset, length * column.BYTES_PER_ELEMENT);

/** Writes the index atomically (a temporary file renamed over the old one). */
export async function saveSidecar(path: string, index: DayIndex): Promise<void> {
  const n = index.count;
  const order = index.order();
  const damage = Buffer.from(JSON.stringify([...index.damage]));
  const header = Buffer.alloc(HEADER);
  header.write(MAGIC, 0, "latin1");
  header.writeUInt32LE(n, 8);
  header.writeUInt32LE(order.length, 12);
  header.writeDoubleLE(index.covered, 16);
  header.writeBigUInt64LE(index.ino, 24);
  header.writeUInt32LE(damage.length, 32);
  // Columns are in native order: BYTE_ORDER read back natively tells whether they still are.
  header.set(new Uint8Array(new Uint32Array([BYTE_ORDER]).buffer), 36);
  const columns = [
    bytesOf(index.offsets, n),
    bytesOf(index.times, n),
    bytesOf(index.lengths, n),
    ...HASHED_FIELDS.map((field) => bytesOf(index.hashes[field], n)),
    bytesOf(order, order.length),
    bytesOf(index.kinds, n),
  ];
  const temp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temp, [header, ...columns, damage], { mode: FILE_MODE });
    await chmod(temp, FILE_MODE); // the umask may have taken bits away
    await rename(temp, path);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

/**
 * The saved index when it belongs to this inode and the file still holds what it covers. Read
 * in one synchronous call into one buffer that the columns then view (the f64 columns come first
 * after a 48-byte header, so every view is aligned): a restarted process loads a month of
 * indexes in milliseconds.
 */
export function loadSidecar(path: string, ino: bigint, fileSize: number): DayIndex | undefined {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return undefined; // missing or unreadable: it is only a cache
  }
  try {
    return read(fd, ino, fileSize);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function read(fd: number, ino: bigint, fileSize: number): DayIndex | undefined {
  const size = fstatSync(fd).size;
  if (size < HEADER) return undefined;
  // allocUnsafe: every byte is overwritten by the read; large buffers start at offset 0 of
  // their own ArrayBuffer, which the aligned views need.
  const data = Buffer.allocUnsafeSlow(size);
  if (readSync(fd, data, 0, size, 0) !== size) return undefined;
  if (data.toString("latin1", 0, 8) !== MAGIC) return undefined;
  if (new Uint32Array(data.buffer, data.byteOffset + 36, 1)[0] !== BYTE_ORDER) return undefined;
  const count = data.readUInt32LE(8);
  const orderLength = data.readUInt32LE(12);
  const covered = data.readDoubleLE(16);
  const damageLength = data.readUInt32LE(32);
  if (data.readBigUInt64LE(24) !== ino || covered > fileSize || orderLength > count) {
    return undefined;
  }
  if (size !== HEADER + count * BYTES_PER_ENTRY + orderLength * 4 + damageLength) return undefined;

  let at = data.byteOffset + HEADER;
  const view = <T>(
    make: new (buffer: ArrayBuffer, offset: number, length: number) => T,
    width: number,
    length = count,
  ): T => {
    const column = new make(data.buffer, at, length);
    at += length * width;
    return column;
  };
  const index = new DayIndex(ino, 0);
  index.count = count;
  index.covered = covered;
  index.offsets = view(Float64Array, 8);
  index.times = view(Float64Array, 8);
  index.lengths = view(Uint32Array, 4);
  for (const field of HASHED_FIELDS) index.hashes[field] = view(Uint32Array, 4);
  const order = view(Uint32Array, 4, orderLength);
  index.kinds = view(Uint8Array, 1);
  const damage = data.toString("utf8", at - data.byteOffset);
  index.damage = new Map(JSON.parse(damage) as [number, string][]);
  index.setOrder(order);
  return index;
}
