// tsh ls: the nodes the user's roles give access to, as Teleport's table.
import type { Command } from "commander";
import { alignedTable, formatLabels } from "../auth/index.js";
import { assertNotExpired, withCluster } from "../client/index.js";
import type { CliIo } from "./run.js";
import { addClientOptions, requireLogin } from "./tsh-context.js";

export function addLs(program: Command, io: CliIo): void {
  addClientOptions(program.command("ls").description("List the nodes you can reach.")).action(
    async (_options: object, command: Command) => {
      const { credentials, webProxy } = await requireLogin(command);
      assertNotExpired(credentials);
      const nodes = await withCluster(webProxy, credentials, (client) => client.listNodes());
      const rows = nodes
        .map((node) => [node.hostname, node.addr, formatLabels(node.labels)])
        .sort(([a = ""], [b = ""]) => a.localeCompare(b));
      io.stdout(alignedTable(["Node Name", "Address", "Labels"], rows));
    },
  );
}
