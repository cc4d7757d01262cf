import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { repoRoot } from "../paths.js";

/** A BPF object opened and loaded by libbpf (programs verified, maps created). */
export interface NativeBpfObject {
  /** The path it was opened from, as given. */
  readonly path: string;
  /** True after close(): programs detached, maps and programs released. */
  readonly closed: boolean;
  /** Attaches every program where its SEC() says; all or nothing. Throws if already attached. */
  attach(): void;
  /** Value at `index` of a BPF_MAP_TYPE_ARRAY map whose values are u64. */
  readArrayU64(mapName: string, index: number): bigint;
  /** Detaches and frees everything; calling it again does nothing. The GC does it too. */
  close(): void;
}

/** The exports of native/addon/src/addon.cc. */
export interface NativeAddon {
  /** "major.minor" of the libbpf the addon runs with. */
  libbpfVersion(): string;
  /** Opens and loads the object at `path`; throws a LibbpfError on failure. */
  BpfObject: new (path: string) => NativeBpfObject;
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
  return typeof exports.libbpfVersion === "function" && typeof exports.BpfObject === "function";
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
