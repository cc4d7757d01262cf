// zod schema of a role document (YAML from tctl create, JSON from the backend) → Role.
// Messages for wrong types and values are worded in issues.ts; the refinements here word their
// own, because only they know what is wrong.
import { z } from "zod";
import { DurationError, parseGoDuration } from "../tokens/index.js";
import { patternProblem } from "./labels.js";
import { hasTemplate, templateProblem } from "./templates.js";
import {
  RECORDING_KINDS,
  ROLE_VERSIONS,
  RULE_RESOURCES,
  RULE_VERBS,
  type EnhancedRecordingKind,
  type Role,
  type RoleConditions,
} from "./types.js";

/** Teleport's defaults for options a role leaves out. */
export const DEFAULT_ENHANCED_RECORDING: readonly EnhancedRecordingKind[] = ["command", "network"];
export const DEFAULT_MAX_SESSION_TTL = 30 * 60 * 60 * 1000;

const unique = <T>(list: readonly T[]): T[] => [...new Set(list)];

const login = z.string().superRefine((value, ctx) => {
  if (value.trim() === "") {
    ctx.addIssue({ code: "custom", message: "a login must not be empty" });
    return;
  }
  const problem = templateProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  else if (/\s/.test(value)) {
    ctx.addIssue({
      code: "custom",
      message: `a login cannot contain spaces: ${JSON.stringify(value)}`,
    });
  }
});

const labelPattern = z.string().superRefine((value, ctx) => {
  if (value === "") {
    ctx.addIssue({ code: "custom", message: 'a label value must not be empty: use "*" for any' });
  } else if (hasTemplate(value)) {
    ctx.addIssue({
      code: "custom",
      message: `templates are not supported in node_labels: ${JSON.stringify(value)}`,
    });
  } else {
    const problem = patternProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: "custom", message: problem });
  }
});

function describeFound(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return String(value);
}

const labelValues = z
  .union([labelPattern, z.array(labelPattern)], {
    error: (issue) => `expected a string or a list of strings, got ${describeFound(issue.input)}`,
  })
  .transform((value) => (typeof value === "string" ? [value] : unique(value)));

export const LABEL_NAME = /^[a-zA-Z0-9/._:*-]+$/;

const nodeLabels = z.record(z.string().regex(LABEL_NAME), labelValues);

export const ruleSchema = z.strictObject({
  resources: z
    .array(z.enum(RULE_RESOURCES))
    .min(1, { error: 'expected at least one resource, or "*" for all' })
    .transform(unique),
  verbs: z
    .array(z.enum(RULE_VERBS))
    .min(1, { error: 'expected at least one verb, or "*" for all' })
    .transform(unique),
});

export const conditionsSchema = z.strictObject({
  logins: z.array(login).optional(),
  node_labels: nodeLabels.optional(),
  rules: z.array(ruleSchema).optional(),
});

const noConditions = (): RoleConditions => ({ logins: [], node_labels: {}, rules: [] });

const conditions = conditionsSchema.optional().transform((value): RoleConditions => ({
  ...noConditions(),
  ...(value?.logins === undefined ? {} : { logins: unique(value.logins) }),
  ...(value?.node_labels === undefined ? {} : { node_labels: value.node_labels }),
  ...(value?.rules === undefined ? {} : { rules: value.rules }),
}));

const goDuration = z.string().transform((text, ctx) => {
  try {
    return parseGoDuration(text);
  } catch (error) {
    if (!(error instanceof DurationError)) throw error;
    ctx.addIssue({
      code: "custom",
      message: `expected a Go duration such as "30h" or "1h30m", got ${JSON.stringify(text)}`,
    });
    return z.NEVER;
  }
});

export const optionsSchema = z.strictObject({
  // As in Teleport, an empty list means the default, not "record nothing enhanced".
  enhanced_recording: z.array(z.enum(RECORDING_KINDS)).optional(),
  max_session_ttl: goDuration.optional(),
});

const options = optionsSchema.optional().transform((value) => ({
  enhanced_recording:
    value?.enhanced_recording === undefined || value.enhanced_recording.length === 0
      ? [...DEFAULT_ENHANCED_RECORDING]
      : unique(value.enhanced_recording),
  max_session_ttl:
    value?.max_session_ttl === undefined || value.max_session_ttl === 0
      ? DEFAULT_MAX_SESSION_TTL
      : value.max_session_ttl,
}));

export const ROLE_NAME = /^[A-Za-z0-9][A-Za-z0-9._@:-]*$/;

export const metadataSchema = z.strictObject({
  name: z
    .string()
    .max(128, { error: "a role name must be at most 128 characters long" })
    .superRefine((name, ctx) => {
      if (!ROLE_NAME.test(name)) {
        ctx.addIssue({
          code: "custom",
          message: `expected a name of letters, digits and . _ @ : - (not starting with a sign), got ${JSON.stringify(name)}`,
        });
      }
    }),
  description: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
});

export const specSchema = z.strictObject({
  allow: conditions,
  deny: conditions,
  options,
});

export const roleSchema = z.strictObject({
  kind: z.literal("role"),
  version: z.enum(ROLE_VERSIONS),
  metadata: metadataSchema,
  spec: specSchema.optional().transform((spec) => spec ?? specSchema.parse({})),
}) satisfies z.ZodType<Role>;

/** Field names by where they may appear ("[]" stands for any list index): for "did you mean". */
export const KNOWN_FIELDS: Readonly<Record<string, readonly string[]>> = {
  "": Object.keys(roleSchema.shape),
  metadata: Object.keys(metadataSchema.shape),
  spec: Object.keys(specSchema.shape),
  "spec.allow": Object.keys(conditionsSchema.shape),
  "spec.deny": Object.keys(conditionsSchema.shape),
  "spec.allow.rules[]": Object.keys(ruleSchema.shape),
  "spec.deny.rules[]": Object.keys(ruleSchema.shape),
  "spec.options": Object.keys(optionsSchema.shape),
};
