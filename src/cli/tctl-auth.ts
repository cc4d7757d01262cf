// tctl auth sign: an identity file for automation (tsh -i FILE, tctl -i FILE).
import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, basename, resolve } from "node:path";
import type { Command } from "commander";
import { signIdentityFile } from "../auth/index.js";
import type { CliIo } from "./run.js";
import { durationArg } from "./tctl-args.js";
import { withAuth } from "./tctl-context.js";

/** Writes the file with mode 0600 from the start, replacing it whole. */
function writePrivateFile(path: string, text: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  rmSync(temporary, { force: true });
  try {
    writeFileSync(temporary, text, { mode: 0o600, flag: "wx" });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new Error(`cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
}

export function addAuth(program: Command, io: CliIo): void {
  const auth = program.command("auth").description("Operations on the cluster's certificates.");
  auth
    .command("sign")
    .description("Write an identity file for a user (for automation: tsh -i FILE).")
    .requiredOption("--user <name>", "the user the identity is for")
    .requiredOption("-o, --out <file>", "where to write the identity file")
    .option("--ttl <duration>", "how long the certificates are valid", durationArg, "12h")
    .option("--overwrite", "replace FILE if it exists")
    .action(
      async (
        options: { user: string; out: string; ttl: string; overwrite?: boolean },
        command: Command,
      ) => {
        const path = resolve(options.out);
        if (existsSync(path) && options.overwrite !== true) {
          throw new Error(`${path} already exists: remove it, or add --overwrite to replace it`);
        }
        const identityFile = await withAuth(command, ({ client }) =>
          signIdentityFile(client, { user: options.user, ttl: options.ttl }),
        );
        writePrivateFile(path, identityFile);
        io.stdout(`The credentials have been written to ${options.out}\n`);
      },
    );
}
