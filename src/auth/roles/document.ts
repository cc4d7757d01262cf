// Role out: the document form (YAML and the backend's JSON) with Teleport's field names, empty
// fields left out and durations written the Go way ("30h0m0s"), as tctl get shows them.
import { stringify } from "yaml";
import { formatGoDuration } from "../tokens/index.js";
import type { Role, RoleConditions } from "./types.js";

export interface ConditionsDocument {
  logins?: string[];
  node_labels?: Record<string, string | string[]>;
  rules?: { resources: string[]; verbs: string[] }[];
}

export interface RoleDocument {
  kind: "role";
  version: string;
  metadata: { name: string; description?: string; labels?: Record<string, string> };
  spec: {
    allow: ConditionsDocument;
    deny: ConditionsDocument;
    options: { enhanced_recording: string[]; max_session_ttl: string };
  };
}

function conditionsDocument(conditions: RoleConditions): ConditionsDocument {
  const labels = Object.entries(conditions.node_labels).map(
    ([key, values]) => [key, values.length === 1 ? (values[0] ?? "") : [...values]] as const,
  );
  return {
    ...(conditions.logins.length > 0 ? { logins: [...conditions.logins] } : {}),
    ...(labels.length > 0 ? { node_labels: Object.fromEntries(labels) } : {}),
    ...(conditions.rules.length > 0
      ? {
          rules: conditions.rules.map((r) => ({
            resources: [...r.resources],
            verbs: [...r.verbs],
          })),
        }
      : {}),
  };
}

export function roleDocument(role: Role): RoleDocument {
  const { description, labels } = role.metadata;
  return {
    kind: role.kind,
    version: role.version,
    metadata: {
      name: role.metadata.name,
      ...(description === undefined ? {} : { description }),
      ...(labels === undefined ? {} : { labels: { ...labels } }),
    },
    spec: {
      allow: conditionsDocument(role.spec.allow),
      deny: conditionsDocument(role.spec.deny),
      options: {
        enhanced_recording: [...role.spec.options.enhanced_recording],
        max_session_ttl: formatGoDuration(role.spec.options.max_session_ttl),
      },
    },
  };
}

/** The role as YAML that parseRoleYaml reads back to the same role. */
export function toYaml(role: Role): string {
  return stringify(roleDocument(role));
}
