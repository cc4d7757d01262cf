import { join } from "node:path";
import { repoRoot } from "../paths.js";
import { loadAddon } from "./addon.js";

export type { LibbpfError, RingUsage } from "./addon.js";
export { isLibbpfError } from "./addon.js";

/** "major.minor" of the libbpf that loads our programs. */
export function libbpfVersion(): string {
  return loadAddon().libbpfVersion();
}

/** Where scripts/build-native puts native/bpf/NAME.bpf.c once compiled. */
export function bpfObjectPath(name: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`invalid BPF object name: ${name}`);
  return join(repoRoot(), "build", "bpf", `${name}.bpf.o`);
}

export {
  assertEnhancedRecordingAvailable,
  checkEnhancedRecording,
  ensureTracefs,
  unmountTracefs,
  EnhancedRecordingUnavailable,
  type CheckOptions,
  type CheckResult,
} from "./checks.js";
export { formatAddress } from "./address.js";
export { EVENT_KINDS, parseKinds, type EventKind, type PerKind } from "./kinds.js";
export {
  decodeBatch,
  decodeRecord,
  LAYOUT,
  RecordDecodeError,
  type ConnectRecord,
  type ExecRecord,
  type KernelRecord,
  type OpenRecord,
} from "./records.js";
export {
  EnhancedRecorder,
  type LossCounts,
  type RecordedSession,
  type RecorderCounters,
  type RecorderOptions,
  type SessionSink,
  type SessionSummary,
} from "./recorder.js";
export { ringBytes } from "./ring-size.js";
