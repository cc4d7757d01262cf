// What a user's roles allow: pure functions over the roles, deny always winning over allow.
import { matchLabels } from "./labels.js";
import { expandTraits } from "./templates.js";
import {
  RECORDING_KINDS,
  type EnhancedRecordingKind,
  type Role,
  type TraitHolder,
} from "./types.js";

/** The Unix logins the roles give the user, traits substituted, denied ones taken out. */
export function loginsFor(roles: readonly Role[], user: TraitHolder): string[] {
  const expand = (logins: readonly string[]): string[] =>
    logins.flatMap((login) => expandTraits(login, user.traits));
  const denied = new Set(roles.flatMap((role) => expand(role.spec.deny.logins)));
  const allowed = roles.flatMap((role) => expand(role.spec.allow.logins));
  return [...new Set(allowed)].filter((login) => !denied.has(login));
}

/** True when some role's allow.node_labels matches the node and no role's deny does. */
export function canAccessNode(
  roles: readonly Role[],
  nodeLabels: Readonly<Record<string, string>>,
): boolean {
  if (roles.some((role) => matchLabels(role.spec.deny.node_labels, nodeLabels))) return false;
  return roles.some((role) => matchLabels(role.spec.allow.node_labels, nodeLabels));
}

/** The kinds of enhanced recording any of the roles asks for, in a fixed order. */
export function enhancedRecordingKinds(roles: readonly Role[]): EnhancedRecordingKind[] {
  const wanted = new Set(roles.flatMap((role) => role.spec.options.enhanced_recording));
  return RECORDING_KINDS.filter((kind) => wanted.has(kind));
}

/** The shortest max_session_ttl of the roles, in milliseconds; 0 for no roles (no session). */
export function maxSessionTtl(roles: readonly Role[]): number {
  if (roles.length === 0) return 0;
  return Math.min(...roles.map((role) => role.spec.options.max_session_ttl));
}

function grants(rules: Role["spec"]["allow"]["rules"], resource: string, verb: string): boolean {
  return rules.some(
    (rule) =>
      (rule.resources.includes("*") || (rule.resources as readonly string[]).includes(resource)) &&
      (rule.verbs.includes("*") ||
        (rule.verbs as readonly string[]).includes(verb) ||
        // Reading with secrets covers reading without them.
        (verb === "readnosecrets" && rule.verbs.includes("read"))),
  );
}

/** True when some role allows `verb` on `resource` and none denies it. */
export function allows(roles: readonly Role[], resource: string, verb: string): boolean {
  if (roles.some((role) => grants(role.spec.deny.rules, resource, verb))) return false;
  return roles.some((role) => grants(role.spec.allow.rules, resource, verb));
}

/**
 * Whose session recordings the roles let a user list or read: every session's when a role
 * allows `verb` on session (auditor, editor); else, for a user who may log in to nodes (access),
 * only the sessions they took part in; else none.
 */
export type SessionScope = "all" | "own" | "none";

export function sessionScope(
  roles: readonly Role[],
  verb: "list" | "read",
  logins: readonly string[],
): SessionScope {
  if (allows(roles, "session", verb)) return "all";
  return logins.length > 0 ? "own" : "none";
}
