// tctl users add | ls | rm | reset.
import { hostname } from "node:os";
import type { Command } from "commander";
import { alignedTable, formatInvite, type InviteResponse } from "../auth/index.js";
import { DEFAULT_PORTS } from "../config/index.js";
import type { CliIo } from "./run.js";
import { listArg } from "./tctl-args.js";
import { withAuth, type TctlContext } from "./tctl-context.js";

/** Where users open invite links: the proxy's public address, else this host's web port. */
function proxyAddr(context: TctlContext): string {
  const configured = context.config?.proxy_service.public_addr[0]?.addr;
  return configured ?? `${hostname()}:${DEFAULT_PORTS.proxy_web}`;
}

function printInvite(io: CliIo, invite: InviteResponse, context: TctlContext): void {
  io.stdout(formatInvite(invite, proxyAddr(context)));
}

export function addUsers(program: Command, io: CliIo): void {
  const users = program.command("users").description("Manage users.");
  users
    .command("add")
    .description("Add a user and print an invite link for them to set a password.")
    .argument("<name>", "user name")
    .requiredOption("--roles <roles>", "roles of the user, comma-separated (e.g. access,editor)")
    .option("--logins <logins>", "Unix logins the user may use, comma-separated (e.g. root,ubuntu)")
    .action(async (name: string, options: { roles: string; logins?: string }, command: Command) => {
      await withAuth(command, async (context) => {
        const invite = await context.client.addUser({
          name,
          roles: listArg(options.roles),
          logins: options.logins === undefined ? [] : listArg(options.logins),
        });
        printInvite(io, invite, context);
      });
    });
  users
    .command("ls")
    .description("List users.")
    .action(async (_options: object, command: Command) => {
      const list = await withAuth(command, ({ client }) => client.listUsers());
      io.stdout(
        alignedTable(
          ["User", "Roles"],
          list.map((user) => [user.name, user.roles.join(",")]),
        ),
      );
    });
  users
    .command("rm")
    .description("Remove a user.")
    .argument("<name>", "user name")
    .action(async (name: string, _options: object, command: Command) => {
      await withAuth(command, ({ client }) => client.removeUser(name));
      io.stdout(`User "${name}" has been deleted\n`);
    });
  users
    .command("reset")
    .description("Clear a user's password and print a link for them to set a new one.")
    .argument("<name>", "user name")
    .action(async (name: string, _options: object, command: Command) => {
      await withAuth(command, async (context) => {
        printInvite(io, await context.client.resetUser(name), context);
      });
    });
}
