// The roles every cluster starts with, as in Teleport: access, editor, auditor.
import { parseRole } from "./parse.js";
import type { Role } from "./types.js";

/** Teleport marks its preset roles with this label. */
export const PRESET_LABEL = "teleport.internal/resource-type";

const preset = { [PRESET_LABEL]: "preset" };
const ALL_VERBS = ["list", "create", "read", "update", "delete"];

// Written as documents and parsed, so the presets pass the same checks as any role.
const DOCUMENTS = [
  {
    kind: "role",
    version: "v7",
    metadata: { name: "access", description: "Access cluster resources", labels: preset },
    spec: {
      allow: { logins: ["{{internal.logins}}"], node_labels: { "*": "*" } },
      options: { enhanced_recording: ["command", "network"], max_session_ttl: "30h" },
    },
  },
  {
    kind: "role",
    version: "v7",
    metadata: { name: "editor", description: "Edit cluster configuration", labels: preset },
    spec: {
      allow: {
        rules: [
          {
            resources: [
              "user",
              "role",
              "token",
              "node",
              "cert_authority",
              "cluster_auth_preference",
              "lock",
            ],
            verbs: ALL_VERBS,
          },
          // Editors see the audit log and recordings too (DESIGN: auditor and editor).
          { resources: ["event", "session"], verbs: ["list", "read"] },
        ],
      },
      options: { max_session_ttl: "30h" },
    },
  },
  {
    kind: "role",
    version: "v7",
    metadata: {
      name: "auditor",
      description: "Review cluster events and replay sessions",
      labels: preset,
    },
    spec: {
      allow: { rules: [{ resources: ["event", "session"], verbs: ["list", "read"] }] },
      options: { max_session_ttl: "30h" },
    },
  },
];

export function presetRoles(): Role[] {
  return DOCUMENTS.map((document) => parseRole(document));
}

export function isPreset(role: Role): boolean {
  return role.metadata.labels?.[PRESET_LABEL] === "preset";
}
