// tsh recordings ls: sessions recorded in the last --last (default 24h), newest first.
import { Option, type Command } from "commander";
import { parseGoDuration } from "../auth/index.js";
import {
  assertNotExpired,
  formatRecordingsTable,
  listSessionEnds,
  withCluster,
} from "../client/index.js";
import type { CliIo } from "./run.js";
import { durationArg } from "./tctl-args.js";
import { addClientOptions, requireLogin } from "./tsh-context.js";

interface RecordingsLsOptions {
  last: string;
  format: "text" | "json";
}

export function addRecordings(program: Command, io: CliIo): void {
  const recordings = program.command("recordings").description("Session recordings.");
  addClientOptions(
    recordings
      .command("ls")
      .description("List recorded sessions (from the audit log's session.end events).")
      .option(
        "--last <duration>",
        "how far back to look (a duration such as 2h or 168h)",
        durationArg,
        "24h",
      )
      .addOption(
        new Option("--format <format>", "output format").choices(["text", "json"]).default("text"),
      ),
  ).action(async (options: RecordingsLsOptions, command: Command) => {
    const { credentials, webProxy } = await requireLogin(command);
    assertNotExpired(credentials);
    const to = new Date();
    const from = new Date(to.getTime() - parseGoDuration(options.last));
    const { events, problems } = await withCluster(webProxy, credentials, (client) =>
      listSessionEnds(client, { from, to }),
    );
    for (const problem of problems) io.stderr(`WARNING: ${problem}\n`);
    io.stdout(
      options.format === "json"
        ? `${JSON.stringify(events, null, 2)}\n`
        : formatRecordingsTable(events),
    );
  });
}
