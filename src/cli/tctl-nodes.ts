// tctl nodes add | ls.
import type { Command } from "commander";
import {
  alignedTable,
  formatLabels,
  formatNodesAdd,
  isTokenRole,
  parseGoDuration,
} from "../auth/index.js";
import type { CliIo } from "./run.js";
import { durationArg, listArg } from "./tctl-args.js";
import { advertisedAuthAddr, withAuth, type TctlContext } from "./tctl-context.js";

/** Makes a join token and prints Teleport's instructions for it. */
export async function addJoinToken(
  context: TctlContext,
  io: CliIo,
  request: { roles: string[]; ttl: string; token?: string },
): Promise<void> {
  const status = await context.client.status();
  const added = await context.client.addToken(request);
  io.stdout(
    formatNodesAdd({
      token: added.token,
      roles: added.roles.filter(isTokenRole),
      ttl: parseGoDuration(request.ttl),
      caPin: status.caPin,
      authAddr: advertisedAuthAddr(context),
    }),
  );
}

export function addNodes(program: Command, io: CliIo): void {
  const nodes = program.command("nodes").description("Manage the nodes of the cluster.");
  nodes
    .command("add")
    .description("Make a join token for a new node and print how to use it.")
    .option("--ttl <duration>", "how long the token is valid", durationArg, "30m")
    .option("--roles <roles>", "system roles the token grants, comma-separated", "node")
    .option("--token <value>", "use this token value instead of a random one")
    .action(async (options: { ttl: string; roles: string; token?: string }, command: Command) => {
      await withAuth(command, (context) =>
        addJoinToken(context, io, {
          roles: listArg(options.roles),
          ttl: options.ttl,
          ...(options.token === undefined ? {} : { token: options.token }),
        }),
      );
    });
  nodes
    .command("ls")
    .description("List the nodes of the cluster (those that heartbeated in the last 10 minutes).")
    .action(async (_options: object, command: Command) => {
      const list = await withAuth(command, ({ client }) => client.listNodes());
      io.stdout(
        alignedTable(
          ["Host", "UUID", "Public Address", "Labels", "Version"],
          list.map((node) => [
            node.hostname,
            node.hostId,
            node.addr,
            formatLabels(node.labels),
            node.version,
          ]),
        ),
      );
    });
}
