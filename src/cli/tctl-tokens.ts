// tctl tokens add | ls | rm.
import type { Command } from "commander";
import { formatTokensTable, isTokenRole, type JoinToken, type TokenRecord } from "../auth/index.js";
import type { CliIo } from "./run.js";
import { durationArg, listArg } from "./tctl-args.js";
import { withAuth } from "./tctl-context.js";
import { addJoinToken } from "./tctl-nodes.js";

function joinTokenOf(record: TokenRecord): JoinToken {
  return {
    token: record.token,
    roles: record.roles.filter(isTokenRole),
    labels: record.labels,
    static: record.static,
    ...(record.expires === undefined ? {} : { expires: record.expires }),
  };
}

export function addTokens(program: Command, io: CliIo): void {
  const tokens = program.command("tokens").description("Manage join tokens.");
  tokens
    .command("add")
    .description("Make a join token.")
    .requiredOption("--type <roles>", "system roles the token grants, e.g. node or proxy")
    .option("--ttl <duration>", "how long the token is valid", durationArg, "30m")
    .option("--value <token>", "use this token value instead of a random one")
    .action(async (options: { type: string; ttl: string; value?: string }, command: Command) => {
      await withAuth(command, (context) =>
        addJoinToken(context, io, {
          roles: listArg(options.type),
          ttl: options.ttl,
          ...(options.value === undefined ? {} : { token: options.value }),
        }),
      );
    });
  tokens
    .command("ls")
    .description("List the join tokens that have not expired.")
    .action(async (_options: object, command: Command) => {
      const list = await withAuth(command, ({ client }) => client.listTokens());
      io.stdout(formatTokensTable(list.map(joinTokenOf), new Date()));
    });
  tokens
    .command("rm")
    .description("Remove a join token before it expires.")
    .argument("<token>", "the token to remove")
    .action(async (token: string, _options: object, command: Command) => {
      await withAuth(command, ({ client }) => client.removeToken(token));
      io.stdout(`Token ${token} has been deleted\n`);
    });
}
