// tctl get | create | rm of resources. Roles are the resource kind tctl manages this way; users
// and tokens have their own commands.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { parseAllDocuments } from "yaml";
import type { CliIo } from "./run.js";
import { UsageError } from "./errors.js";
import { withAuth } from "./tctl-context.js";

const ROLE_KINDS = new Set(["role", "roles"]);

/** "roles" → all roles; "role/NAME" → one. */
function parseRef(ref: string, command: string): { name?: string } {
  const [kind = "", name, ...rest] = ref.split("/");
  if (!ROLE_KINDS.has(kind.toLowerCase()) || rest.length > 0 || name === "") {
    throw new UsageError(
      `tctl ${command} ${ref}: expected "roles" or "role/NAME" (users: tctl users ls, tokens: tctl tokens ls)`,
    );
  }
  return name === undefined ? {} : { name };
}

/** The role documents of a YAML file, each as its own text. */
function roleDocuments(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new Error(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  const documents = parseAllDocuments(text, { prettyErrors: true });
  const texts: string[] = [];
  documents.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      throw new Error(`${path}: ${doc.errors.map((e) => e.message).join("; ")}`);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return;
    const kind = typeof value === "object" && "kind" in value ? String(value.kind) : "(none)";
    if (kind !== "role") {
      throw new Error(
        `${path}: document ${index + 1} is of kind ${kind}: tctl create makes roles (kind: role); ` +
          "make users with tctl users add and tokens with tctl tokens add",
      );
    }
    texts.push(doc.toString());
  });
  if (texts.length === 0) throw new Error(`${path} holds no role`);
  return texts;
}

export function addResources(program: Command, io: CliIo): void {
  program
    .command("get")
    .description('Print resources as YAML: "roles" or "role/NAME".')
    .argument("<resource>", 'what to print: "roles" or "role/NAME"')
    .action(async (ref: string, _options: object, command: Command) => {
      const { name } = parseRef(ref, "get");
      const roles = await withAuth(command, async ({ client }) =>
        name === undefined ? client.listRoles() : [await client.getRole(name)],
      );
      io.stdout(roles.map((role) => role.yaml.trimEnd() + "\n").join("---\n"));
    });
  program
    .command("create")
    .description("Create roles from a YAML file (kind: role).")
    .argument("<file>", "YAML file with one or more roles")
    .option("-f, --force", "replace roles that exist already")
    .action(async (file: string, options: { force?: boolean }, command: Command) => {
      const documents = roleDocuments(file);
      await withAuth(command, async ({ client }) => {
        for (const yaml of documents) {
          const result = await client.putRole(yaml, { overwrite: options.force === true });
          io.stdout(`role "${result.name}" has been ${result.created ? "created" : "updated"}\n`);
        }
      });
    });
  program
    .command("rm")
    .description('Remove a resource: "role/NAME".')
    .argument("<resource>", 'what to remove: "role/NAME"')
    .action(async (ref: string, _options: object, command: Command) => {
      const { name } = parseRef(ref, "rm");
      if (name === undefined) throw new UsageError(`tctl rm ${ref}: name one role, as role/NAME`);
      await withAuth(command, ({ client }) => client.removeRole(name));
      io.stdout(`role "${name}" has been deleted\n`);
    });
}
