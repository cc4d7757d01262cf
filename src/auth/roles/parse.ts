// Role documents in: YAML text (tctl create) or plain data (the backend, the API) → Role.
import { parseAllDocuments } from "yaml";
import { RoleValidationError } from "./errors.js";
import { problemsFromIssues } from "./issues.js";
import { roleSchema } from "./schema.js";
import type { Role } from "./types.js";

/** Checks a role given as plain data; throws RoleValidationError listing every problem. */
export function parseRole(document: unknown): Role {
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    const found = Array.isArray(document)
      ? "a list"
      : document === null
        ? "nothing"
        : `a ${typeof document}`;
    throw new RoleValidationError([`a role must be a mapping (kind: role, ...), got ${found}`]);
  }
  const parsed = roleSchema.safeParse(document);
  if (!parsed.success) {
    throw new RoleValidationError(problemsFromIssues(parsed.error.issues, document));
  }
  return parsed.data;
}

/** One role written in YAML, as `tctl create -f role.yaml` takes it. */
export function parseRoleYaml(text: string): Role {
  // "---" alone or comments only make empty documents; they hold no role and are skipped.
  const documents = parseAllDocuments(text, { prettyErrors: true }).filter(
    (doc) => doc.errors.length > 0 || (doc.toJS() ?? undefined) !== undefined,
  );
  if (documents.length === 0) throw new RoleValidationError(["the text holds no role"]);
  if (documents.length > 1) {
    throw new RoleValidationError([
      `expected one role, got ${documents.length} YAML documents: create them one at a time`,
    ]);
  }
  const [doc] = documents;
  if (doc === undefined) throw new RoleValidationError(["the text holds no role"]);
  if (doc.errors.length > 0) {
    throw new RoleValidationError(
      doc.errors.map((error) => {
        const at = error.linePos?.[0];
        const where = at === undefined ? "" : `line ${at.line}, column ${at.col}: `;
        // yaml's own message repeats the place and quotes the source; keep its first line.
        const first = error.message.split("\n")[0] ?? error.message;
        return `invalid YAML: ${where}${first.replace(/ at line \d+, column \d+:?$/, "")}`;
      }),
    );
  }
  return parseRole(doc.toJS());
}
