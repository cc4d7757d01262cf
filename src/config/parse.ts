// teleport.yaml text in, a fully defaulted Config out, or a ConfigError listing every problem.
import { defaultAuditEventsUri } from "./defaults.js";
import { ConfigError } from "./errors.js";
import { fallbackMessage, problemsFromIssues } from "./issues.js";
import { formatProblem, sortProblems, type Problem } from "./problem.js";
import { fileSchema, type ParsedFile } from "./schema.js";
import type { Config } from "./types.js";
import { readYaml } from "./yaml-source.js";

function fail(source: string, problems: readonly Problem[]): never {
  throw new ConfigError(
    source,
    sortProblems(problems).map((problem) => formatProblem(source, problem)),
  );
}

// `diag_addr: ""` leaves the key present with no value; drop such keys so that an unset key reads
// the same however it was left unset (absent, empty, or "").
function withoutUnsetKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUnsetKeys) as T;
  if (typeof value !== "object" || value === null) return value;
  const kept = Object.entries(value)
    .filter(([, child]) => child !== undefined)
    .map(([key, child]) => [key, withoutUnsetKeys(child)]);
  return Object.fromEntries(kept) as T;
}

// Defaults that depend on other keys, filled once those keys are known to be valid.
function withDerivedDefaults(file: ParsedFile): Config {
  const events = file.auth_service.audit_events_uri;
  return {
    ...file,
    auth_service: {
      ...file.auth_service,
      audit_events_uri:
        events.length > 0 ? events : [defaultAuditEventsUri(file.teleport.data_dir)],
    },
  };
}

/**
 * Parses teleport.yaml (config version v3). `source` names the text in messages, usually the
 * file's path. Throws ConfigError with every problem found.
 */
export function parseConfig(text: string, source: string): Config {
  const read = readYaml(text);
  if (!read.ok) return fail(source, read.problems);
  const result = fileSchema.safeParse(read.source.value, { error: fallbackMessage });
  if (!result.success)
    return fail(source, problemsFromIssues(result.error.issues, fileSchema, read.source));
  return withDerivedDefaults(withoutUnsetKeys(result.data));
}
