// Teleport's defaults, in one place so the CLI and docs can show them.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type {
  EnhancedRecording,
  LogFormat,
  SecondFactor,
  SessionRecordingMode,
  Severity,
} from "./types.js";

export const DEFAULT_CONFIG_PATH = "/etc/teleport.yaml";

export const DEFAULT_PORTS = {
  auth: 3025,
  proxy_web: 3080,
  proxy_ssh: 3023,
  node_ssh: 3022,
  diag: 3000,
} as const;

export const DEFAULTS = {
  data_dir: "/var/lib/teleport",
  log_output: "stderr",
  log_severity: "INFO" satisfies Severity,
  log_format: "text" satisfies LogFormat,
  session_recording: "node" satisfies SessionRecordingMode,
  second_factor: "off" satisfies SecondFactor,
  auth_listen_addr: `0.0.0.0:${DEFAULT_PORTS.auth}`,
  proxy_web_listen_addr: `0.0.0.0:${DEFAULT_PORTS.proxy_web}`,
  proxy_listen_addr: `0.0.0.0:${DEFAULT_PORTS.proxy_ssh}`,
  ssh_listen_addr: `0.0.0.0:${DEFAULT_PORTS.node_ssh}`,
} as const;

export const ENHANCED_RECORDING_DEFAULTS: EnhancedRecording = Object.freeze({
  enabled: false,
  command_buffer_size: 8,
  disk_buffer_size: 128,
  network_buffer_size: 8,
  cgroup_path: "/cgroup2",
  root_path: "/teleport",
});

/** Largest ring buffer accepted, in pages (4 GiB with 4 KiB pages): beyond it is surely a typo. */
export const MAX_BUFFER_PAGES = 1_048_576;

/**
 * The audit log location when audit_events_uri is not set: "file:///var/lib/teleport/log".
 * A relative data_dir is taken from the working directory, as Teleport does.
 */
export function defaultAuditEventsUri(dataDir: string): string {
  return pathToFileURL(resolve(dataDir, "log")).href;
}
