// Decoders for the records of native/bpf/common.h. Offsets are spelled out here and checked
// against the C layout by test/integration/record-layout.test.ts.
import { formatAddress } from "./address.js";

export const RecordKind = { exec: 1, open: 2, connect: 3 } as const;
export const RECORD_KIND_COUNT = 4;

export const RECORD_F_PATH_TRUNCATED = 0x1;
export const RECORD_F_ARGS_TRUNCATED = 0x2;
export const RECORD_F_ARGS_UNREADABLE = 0x4;
export const RECORD_F_PATH_UNREADABLE = 0x8;
export const RECORD_PATH_MAX = 4096;
export const RECORD_ARGS_MAX = 16384;

export const LAYOUT = {
  record_header: {
    size: 56,
    offsets: {
      kind: 0,
      size: 4,
      session_key: 8,
      cgroup_id: 16,
      ktime_ns: 24,
      pid: 32,
      ppid: 36,
      comm: 40,
    },
  },
  exec_record: {
    size: 72,
    offsets: { h: 0, return_code: 56, flags: 60, path_len: 64, args_len: 68, data: 72 },
  },
  open_record: {
    size: 72,
    offsets: { h: 0, return_code: 56, flags: 60, path_len: 64, record_flags: 68, path: 72 },
  },
  connect_record: {
    size: 96,
    offsets: { h: 0, family: 56, dport: 58, sport: 60, pad: 62, saddr: 64, daddr: 80 },
  },
  session_info: { size: 16, offsets: { session_key: 0, kinds: 8, pad: 12 } },
  session_lost: { size: 32, offsets: { lost: 0 } },
} as const;

const H = LAYOUT.record_header.offsets;
const HEADER_SIZE = LAYOUT.record_header.size;
const COMM_LEN = 16;
const AF_INET = 2;
const AF_INET6 = 10;

export interface RecordHeader {
  sessionKey: bigint;
  cgroupId: bigint;
  /** CLOCK_BOOTTIME nanoseconds when the kernel saw the event. */
  ktimeNs: bigint;
  pid: number;
  ppid: number;
  /** The kernel's task name, at most 15 characters. */
  comm: string;
}

export interface ExecRecord extends RecordHeader {
  kind: "exec";
  /** 0 for a successful exec, -errno for a failed one. */
  returnCode: number;
  path: string;
  /** The whole argument vector, argv[0] included. */
  argv: string[];
  pathTruncated: boolean;
  /** The kernel could not read the path (path is empty, not wrong). */
  pathUnreadable: boolean;
  argsTruncated: boolean;
  argsUnreadable: boolean;
}

export interface OpenRecord extends RecordHeader {
  kind: "open";
  /** The file descriptor, or -errno. */
  returnCode: number;
  /** O_* flags as passed to open. */
  flags: number;
  path: string;
  pathTruncated: boolean;
  pathUnreadable: boolean;
}

export interface ConnectRecord extends RecordHeader {
  kind: "connect";
  version: 4 | 6;
  srcAddr: string;
  dstAddr: string;
  srcPort: number;
  dstPort: number;
}

export type KernelRecord = ExecRecord | OpenRecord | ConnectRecord;

/** A record the decoder could not make sense of; reported, never silently skipped. */
export class RecordDecodeError extends Error {
  override name = "RecordDecodeError";
  constructor(
    message: string,
    /** The record kind from the header when it could be read, else 0. */
    readonly kind: number,
  ) {
    super(message);
  }
}

const utf8 = new TextDecoder("utf-8");

function text(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

function cString(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return text(end < 0 ? bytes : bytes.subarray(0, end));
}

function header(view: DataView, bytes: Uint8Array): RecordHeader {
  return {
    sessionKey: view.getBigUint64(H.session_key, true),
    cgroupId: view.getBigUint64(H.cgroup_id, true),
    ktimeNs: view.getBigUint64(H.ktime_ns, true),
    pid: view.getUint32(H.pid, true),
    ppid: view.getUint32(H.ppid, true),
    comm: cString(bytes.subarray(H.comm, H.comm + COMM_LEN)),
  };
}

/** Splits a NUL-terminated argument block; a last string without its NUL (cut short) is kept. */
function splitArgs(block: Uint8Array): string[] {
  const args: string[] = [];
  let start = 0;
  for (let i = 0; i < block.length; i++) {
    if (block[i] === 0) {
      args.push(text(block.subarray(start, i)));
      start = i + 1;
    }
  }
  if (start < block.length) args.push(text(block.subarray(start)));
  return args;
}

function variablePart(
  bytes: Uint8Array,
  kind: number,
  fixed: number,
  lengths: number[],
): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let offset = fixed;
  for (const length of lengths) {
    if (offset + length > bytes.length) {
      throw new RecordDecodeError(
        `record of kind ${kind} says it has ${length} bytes at offset ${offset}, but is only ${bytes.length} bytes long`,
        kind,
      );
    }
    parts.push(bytes.subarray(offset, offset + length));
    offset += length;
  }
  return parts;
}

function decodeExec(view: DataView, bytes: Uint8Array): ExecRecord {
  const o = LAYOUT.exec_record.offsets;
  const flags = view.getUint32(o.flags, true);
  const [path = new Uint8Array(), args = new Uint8Array()] = variablePart(
    bytes,
    RecordKind.exec,
    LAYOUT.exec_record.size,
    [view.getUint32(o.path_len, true), view.getUint32(o.args_len, true)],
  );
  return {
    kind: "exec",
    ...header(view, bytes),
    returnCode: view.getInt32(o.return_code, true),
    path: text(path),
    argv: splitArgs(args),
    pathTruncated: (flags & RECORD_F_PATH_TRUNCATED) !== 0,
    pathUnreadable: (flags & RECORD_F_PATH_UNREADABLE) !== 0,
    argsTruncated: (flags & RECORD_F_ARGS_TRUNCATED) !== 0,
    argsUnreadable: (flags & RECORD_F_ARGS_UNREADABLE) !== 0,
  };
}

function decodeOpen(view: DataView, bytes: Uint8Array): OpenRecord {
  const o = LAYOUT.open_record.offsets;
  const recordFlags = view.getUint32(o.record_flags, true);
  const [path = new Uint8Array()] = variablePart(bytes, RecordKind.open, LAYOUT.open_record.size, [
    view.getUint32(o.path_len, true),
  ]);
  return {
    kind: "open",
    ...header(view, bytes),
    returnCode: view.getInt32(o.return_code, true),
    flags: view.getInt32(o.flags, true),
    path: text(path),
    pathTruncated: (recordFlags & RECORD_F_PATH_TRUNCATED) !== 0,
    pathUnreadable: (recordFlags & RECORD_F_PATH_UNREADABLE) !== 0,
  };
}

function decodeConnect(view: DataView, bytes: Uint8Array): ConnectRecord {
  const o = LAYOUT.connect_record.offsets;
  const family = view.getUint16(o.family, true);
  if (family !== AF_INET && family !== AF_INET6) {
    throw new RecordDecodeError(
      `connect record with unknown address family ${family}`,
      RecordKind.connect,
    );
  }
  const length = family === AF_INET ? 4 : 16;
  return {
    kind: "connect",
    ...header(view, bytes),
    version: family === AF_INET ? 4 : 6,
    srcAddr: formatAddress(bytes.subarray(o.saddr, o.saddr + length)),
    dstAddr: formatAddress(bytes.subarray(o.daddr, o.daddr + length)),
    srcPort: view.getUint16(o.sport, true),
    dstPort: view.getUint16(o.dport, true),
  };
}

const FIXED_SIZE: Record<number, number> = {
  [RecordKind.exec]: LAYOUT.exec_record.size,
  [RecordKind.open]: LAYOUT.open_record.size,
  [RecordKind.connect]: LAYOUT.connect_record.size,
};

/** Decodes one whole record (exactly its bytes). Throws RecordDecodeError when malformed. */
export function decodeRecord(bytes: Uint8Array): KernelRecord {
  if (bytes.length < HEADER_SIZE) {
    throw new RecordDecodeError(
      `record of ${bytes.length} bytes is shorter than its ${HEADER_SIZE}-byte header`,
      0,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kind = view.getUint32(H.kind, true);
  const fixed = FIXED_SIZE[kind];
  if (fixed === undefined) throw new RecordDecodeError(`record of unknown kind ${kind}`, kind);
  if (bytes.length < fixed) {
    throw new RecordDecodeError(
      `record of kind ${kind} has ${bytes.length} bytes, needs at least ${fixed}`,
      kind,
    );
  }
  if (kind === RecordKind.exec) return decodeExec(view, bytes);
  if (kind === RecordKind.open) return decodeOpen(view, bytes);
  return decodeConnect(view, bytes);
}

export interface BatchHandlers {
  record(record: KernelRecord): void;
  /** A malformed record; `kind` is 0 when even the kind was unreadable. */
  error(error: RecordDecodeError): void;
}

/**
 * Walks a batch of concatenated records (each starting with its header, whose `size` gives its
 * length). A record whose size cannot be trusted ends the walk: the rest of the batch cannot be
 * framed, so it is reported as one error rather than decoded as garbage.
 */
export function decodeBatch(batch: Uint8Array, handlers: BatchHandlers): void {
  const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  let offset = 0;
  while (offset < batch.length) {
    if (batch.length - offset < HEADER_SIZE) {
      handlers.error(
        new RecordDecodeError(`${batch.length - offset} stray bytes at the end of a batch`, 0),
      );
      return;
    }
    const kind = view.getUint32(offset + H.kind, true);
    const size = view.getUint32(offset + H.size, true);
    if (size < HEADER_SIZE || offset + size > batch.length) {
      handlers.error(
        new RecordDecodeError(
          `record of kind ${kind} at offset ${offset} claims ${size} bytes; ${batch.length - offset} remain in the batch`,
          kind,
        ),
      );
      return;
    }
    try {
      handlers.record(decodeRecord(batch.subarray(offset, offset + size)));
    } catch (err) {
      if (!(err instanceof RecordDecodeError)) throw err;
      handlers.error(err);
    }
    offset += size;
  }
}
