// tctl status: the cluster's name, version and CA pin.
import type { Command } from "commander";
import type { CliIo } from "./run.js";
import { withAuth } from "./tctl-context.js";
import { formatPairs } from "./tctl-table.js";

export function addStatus(program: Command, io: CliIo): void {
  program
    .command("status")
    .description("Show the cluster's name, version and CA pin.")
    .action(async (_options: object, command: Command) => {
      const status = await withAuth(command, ({ client }) => client.status());
      io.stdout(
        formatPairs([
          ["Cluster", status.clusterName],
          ["Version", status.version],
          ["CA pin", status.caPin],
        ]),
      );
    });
}
