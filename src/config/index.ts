// teleport.yaml (config version v3): parse, defaults, validation with clear errors.
export { parseConfig } from "./parse.js";
export { loadConfigFile } from "./load.js";
export { ConfigError } from "./errors.js";
export {
  DEFAULT_CONFIG_PATH,
  DEFAULT_PORTS,
  DEFAULTS,
  ENHANCED_RECORDING_DEFAULTS,
  MAX_BUFFER_PAGES,
} from "./defaults.js";
export { renderSampleConfig, type SampleConfigOptions } from "./sample.js";
export { SESSION_RECORDING_MODES } from "./types.js";
export type { Address } from "./address.js";
export type { StaticToken, TokenRole } from "./tokens.js";
export type {
  Authentication,
  AuthService,
  Config,
  EnhancedRecording,
  KeyPair,
  LogConfig,
  LogExtraField,
  LogFormat,
  ProxyService,
  SecondFactor,
  SessionRecordingMode,
  Severity,
  SshService,
  TeleportSection,
} from "./types.js";
