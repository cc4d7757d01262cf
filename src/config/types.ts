// The parsed teleport.yaml: every key of the file, under its YAML name, with defaults applied.
import type { Address } from "./address.js";
import type { StaticToken } from "./tokens.js";

export type Severity = "DEBUG" | "INFO" | "WARN" | "ERROR";
export type LogFormat = "text" | "json";
export type LogExtraField = "level" | "component" | "caller" | "timestamp";
/** Where sessions are recorded: Teleport's proxy modes are refused (the proxy passes SSH through). */
export const SESSION_RECORDING_MODES = ["node", "node-sync", "off"] as const;
export type SessionRecordingMode = (typeof SESSION_RECORDING_MODES)[number];
/** off: passwords only; otp: every user also enters a TOTP code; optional: users who enrolled one. */
export type SecondFactor = "off" | "otp" | "optional";

export interface LogConfig {
  /** "stderr", "stdout", or an absolute file path. */
  readonly output: string;
  readonly severity: Severity;
  readonly format: {
    readonly output: LogFormat;
    readonly extra_fields: readonly LogExtraField[];
  };
}

export interface TeleportSection {
  readonly nodename: string;
  readonly data_dir: string;
  readonly auth_token?: string;
  readonly auth_server?: Address;
  readonly proxy_server?: Address;
  /** Older list form of auth_server; empty when not set. */
  readonly auth_servers: readonly Address[];
  /** "sha256:<hex>" pins of the cluster's CA; empty when not set. */
  readonly ca_pin: readonly string[];
  /** The IP a node announces to the cluster (the proxy dials it); see src/node/advertise.ts. */
  readonly advertise_ip?: string;
  readonly diag_addr?: Address;
  readonly log: LogConfig;
}

export interface AuthService {
  readonly enabled: boolean;
  readonly listen_addr: Address;
  readonly cluster_name?: string;
  readonly session_recording: SessionRecordingMode;
  /** Never empty: defaults to ["file://<data_dir>/log"]. */
  readonly audit_events_uri: readonly string[];
  readonly audit_sessions_uri?: string;
  readonly tokens: readonly StaticToken[];
  readonly authentication: Authentication;
}

export interface Authentication {
  readonly type: "local";
  readonly second_factor: SecondFactor;
}

export interface KeyPair {
  readonly key_file: string;
  readonly cert_file: string;
}

export interface ProxyService {
  readonly enabled: boolean;
  readonly web_listen_addr: Address;
  readonly listen_addr: Address;
  readonly public_addr: readonly Address[];
  readonly https_keypairs: readonly KeyPair[];
}

export interface EnhancedRecording {
  readonly enabled: boolean;
  /** Ring buffer sizes in pages, as written (the BPF layer rounds up to a power of two). */
  readonly command_buffer_size: number;
  readonly disk_buffer_size: number;
  readonly network_buffer_size: number;
  readonly cgroup_path: string;
  readonly root_path: string;
}

export interface SshService {
  readonly enabled: boolean;
  readonly listen_addr: Address;
  readonly labels: Readonly<Record<string, string>>;
  readonly enhanced_recording: EnhancedRecording;
}

export interface Config {
  readonly version: "v3";
  readonly teleport: TeleportSection;
  readonly auth_service: AuthService;
  readonly proxy_service: ProxyService;
  readonly ssh_service: SshService;
}
