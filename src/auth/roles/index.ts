// Roles: Teleport's role resource (YAML, presets, storage) and the access checks over it.
export { RoleService, ROLES_PREFIX } from "./service.js";
export { parseRole, parseRoleYaml } from "./parse.js";
export { roleDocument, toYaml, type RoleDocument } from "./document.js";
export { presetRoles, isPreset, PRESET_LABEL } from "./presets.js";
export {
  allows,
  canAccessNode,
  enhancedRecordingKinds,
  loginsFor,
  maxSessionTtl,
  sessionScope,
  type SessionScope,
} from "./access.js";
export { matchLabels, matchesPattern } from "./labels.js";
export { DEFAULT_ENHANCED_RECORDING, DEFAULT_MAX_SESSION_TTL } from "./schema.js";
export {
  RoleInUseError,
  RoleNotFoundError,
  RoleValidationError,
  StoredRoleError,
} from "./errors.js";
export {
  RECORDING_KINDS,
  ROLE_VERSIONS,
  RULE_RESOURCES,
  RULE_VERBS,
  type EnhancedRecordingKind,
  type Role,
  type RoleConditions,
  type RoleOptions,
  type RoleRule,
  type RoleVersion,
  type RuleResource,
  type RuleVerb,
  type TraitHolder,
} from "./types.js";
