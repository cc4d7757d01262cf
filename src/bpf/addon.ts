import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { repoRoot } from "../paths.js";

export interface EngineOptions {
  /**
   * Ring buffer map name → size in bytes: a power of two multiple of the page size. Rings not
   * named keep the object's default size.
   */
  ringBytes: Record<string, number>;
  /**
   * Batches that may wait for the JS thread before new ones are dropped (and counted in
   * userLost). Default 1024; tests lower it to make user-space loss happen on purpose.
   */
  maxQueuedBatches?: number;
}

/** Per record kind (index = RECORD_* kind, RECORD_KIND_COUNT entries; index 0: lineage). */
export type LostPerKind = bigint[];

/** One ring buffer: bytes in all, and bytes waiting for the poller. */
export interface RingUsage {
  size: number;
  used: number;
}

/**
 * The session object (native/bpf/session.bpf.c) loaded, its programs attached, and a poller
 * thread that hands the records of its ring buffers to `onRecords` in batches: records
 * concatenated as the kernel wrote them, each starting with a record_header whose `size` is its
 * length. The poller never waits for JavaScript: a batch that finds maxQueuedBatches (1024)
 * batches still waiting for the JS thread is dropped, its records counted in userLost() and
 * sessionLost().
 */
export interface NativeEngine {
  /** The object path, as given. */
  readonly path: string;
  /** True after close(). */
  readonly closed: boolean;
  /**
   * Programs not loaded because this kernel lacks their tracepoint (tracefs says so), e.g.
   * on_sys_enter_open and on_sys_enter_creat on arm64. Empty when tracefs is not mounted.
   */
  readonly skippedPrograms: string[];
  /** Attaches every loaded program; all or nothing. Throws if already attached. */
  attach(): void;
  /** Starts the poller thread. It does not keep the event loop alive, except during drain(). */
  start(): void;
  /** map[key] = value (BPF_ANY). Key and value lengths must match the map's. */
  updateElem(map: string, key: Buffer, value: Buffer): void;
  /** Deletes map[key]; false when it was absent. */
  deleteElem(map: string, key: Buffer): boolean;
  /** map[key], or null when absent. */
  lookupElem(map: string, key: Buffer): Buffer | null;
  /** Every key of the map (bpf_map_get_next_key). */
  keys(map: string): Buffer[];
  /** Value `index` of a BPF_MAP_TYPE_ARRAY map of u64 (e.g. "lost"). */
  readArrayU64(map: string, index: number): bigint;
  /** Records dropped in user space because JavaScript was behind, per kind. Works after close. */
  userLost(): LostPerKind;
  /**
   * What was lost for one session, per kind: `kernel` from the session_lost map (kernel[0]:
   * its processes that did not fit in `tracked`), `user` as userLost() but for this session.
   */
  sessionLost(sessionKey: bigint): { kernel: LostPerKind; user: LostPerKind };
  /** Forgets a session's loss counters (kernel and user space), once they were reported. */
  forgetSession(sessionKey: bigint): void;
  /**
   * Per ring buffer map: its data size, and the bytes written (or reserved) in it that the poller
   * has not consumed yet. Read at this moment; throws after close().
   */
  ringUsage(): Record<string, RingUsage>;
  /**
   * The poller consumes everything now in the rings, hands it over, then calls `done` (after the
   * last batch holding it). Does not block. Throws when not started or closed.
   */
  drain(done: () => void): void;
  /**
   * Stops and joins the poller, detaches, frees; idempotent (the GC does it too). Batches not
   * yet delivered are discarded (counted in userLost); pending drains still get their `done`.
   */
  close(): void;
}

/** Size and field offsets of one C struct of native/bpf/common.h. */
export interface StructLayout {
  size: number;
  offsets: Record<string, number>;
}

/** The exports of native/addon/src/addon.cc. */
export interface NativeAddon {
  /** "major.minor" of the libbpf the addon runs with. */
  libbpfVersion(): string;
  /**
   * Opens the object, sizes its rings (options.ringBytes) and its per-CPU scratch map, leaves
   * out programs whose tracepoint this kernel lacks, and loads it. Throws a LibbpfError.
   */
  Engine: new (
    objectPath: string,
    options: EngineOptions,
    onRecords: (batch: Buffer) => void,
  ) => NativeEngine;
  /**
   * sizeof/offsetof of common.h's structs as the C++ compiler sees them: session_info,
   * session_lost, record_header, exec_record, open_record, connect_record. The variable part
   * of exec_record ("data") and open_record ("path") is listed at the struct's size.
   */
  recordLayout(): Record<string, StructLayout>;
  /**
   * common.h's constants: TASK_COMM_LEN, RECORD_PATH_MAX, RECORD_ARGS_MAX, RECORD_KIND_COUNT,
   * RECORD_EXEC/OPEN/CONNECT, RECORD_F_PATH_TRUNCATED, RECORD_F_ARGS_TRUNCATED,
   * RECORD_F_ARGS_UNREADABLE, RECORD_F_PATH_UNREADABLE.
   */
  recordConstants(): Record<string, number>;
}

/** What the addon throws when libbpf fails: errno, and the libbpf log lines (verifier output). */
export interface LibbpfError extends Error {
  errno: number;
  libbpfLog: string[];
}

export function isLibbpfError(error: unknown): error is LibbpfError {
  return (
    error instanceof Error &&
    typeof (error as Partial<LibbpfError>).errno === "number" &&
    Array.isArray((error as Partial<LibbpfError>).libbpfLog)
  );
}

const ADDON_FILE = "teleport_bpf.node";

function isNativeAddon(value: unknown): value is NativeAddon {
  if (typeof value !== "object" || value === null) return false;
  const exports = value as Record<string, unknown>;
  return (
    typeof exports.libbpfVersion === "function" &&
    typeof exports.Engine === "function" &&
    typeof exports.recordLayout === "function" &&
    typeof exports.recordConstants === "function"
  );
}

let addon: NativeAddon | undefined;

/** Loads the addon on first use, so that importing src/bpf never needs a native build. */
export function loadAddon(): NativeAddon {
  if (addon !== undefined) return addon;
  const path = join(repoRoot(), "native", "addon", "build", "Release", ADDON_FILE);
  if (!existsSync(path)) {
    throw new Error(`native addon not built: run \`npm run build\` (missing ${path})`);
  }
  const loaded: unknown = createRequire(import.meta.url)(path);
  if (!isNativeAddon(loaded)) {
    throw new Error(`native addon ${path} lacks the expected exports: run \`npm run build\``);
  }
  addon = loaded;
  return addon;
}
