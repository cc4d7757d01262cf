// A role as the rest of the system uses it: Teleport's resource, checked and with defaults.

export const ROLE_VERSIONS = ["v5", "v6", "v7"] as const;
export type RoleVersion = (typeof ROLE_VERSIONS)[number];

export const RECORDING_KINDS = ["command", "disk", "network"] as const;
export type EnhancedRecordingKind = (typeof RECORDING_KINDS)[number];

/** Resource kinds rules may name (Teleport's singular kind names). */
export const RULE_RESOURCES = [
  "*",
  "user",
  "role",
  "token",
  "node",
  "event",
  "session",
  "cert_authority",
  "auth_server",
  "proxy",
  "cluster_name",
  "cluster_auth_preference",
  "lock",
] as const;
export type RuleResource = (typeof RULE_RESOURCES)[number];

export const RULE_VERBS = [
  "*",
  "list",
  "create",
  "read",
  "readnosecrets",
  "update",
  "delete",
  "rotate",
] as const;
export type RuleVerb = (typeof RULE_VERBS)[number];

export interface RoleRule {
  resources: RuleResource[];
  verbs: RuleVerb[];
}

export interface RoleConditions {
  /** Unix logins; may hold {{internal.NAME}} / {{external.NAME}} trait templates. */
  logins: string[];
  /** Label name → accepted values ("*", globs, or ^regex$); {"*": ["*"]} matches every node. */
  node_labels: Record<string, string[]>;
  rules: RoleRule[];
}

export interface RoleOptions {
  enhanced_recording: EnhancedRecordingKind[];
  /** Milliseconds (written as a Go duration such as "30h" in YAML). */
  max_session_ttl: number;
}

export interface Role {
  kind: "role";
  version: RoleVersion;
  metadata: { name: string; description?: string; labels?: Record<string, string> };
  spec: { allow: RoleConditions; deny: RoleConditions; options: RoleOptions };
}

/** What trait templates read: a user's traits ("logins" → ["root", "ubuntu"]). */
export interface TraitHolder {
  traits: Readonly<Record<string, readonly string[]>>;
}
