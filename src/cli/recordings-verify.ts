import { existsSync } from "node:fs";
import type { Command } from "commander";
import { loadConfigFile } from "../config/index.js";
import { DEFAULT_DATA_DIR, runVerify } from "../recording/index.js";
import { CommandExit } from "./errors.js";
import type { CliIo } from "./run.js";

/** The data dir of this auth server: from its config when there is one, else Teleport's default. */
function dataDirOf(configPath: string): string {
  return existsSync(configPath) ? loadConfigFile(configPath).teleport.data_dir : DEFAULT_DATA_DIR;
}

/** `tctl recordings verify SID|PATH`: checks a recording's hash chain, naming the first bad event. */
export function addRecordingsVerify(program: Command, io: CliIo): void {
  const recordings =
    program.commands.find((c) => c.name() === "recordings") ??
    program.command("recordings").description("Work with session recordings.");
  recordings
    .command("verify")
    .description(
      "Check that a recording was not altered: OK, or the first altered, missing or reordered event.",
    )
    .argument(
      "<session>",
      "session id (in the data dir of -c CONFIG), or path of a recording's .index or folder",
    )
    .action(async (target: string) => {
      const { config } = program.opts<{ config: string }>();
      const code = await runVerify(target, io, { dataDir: dataDirOf(config) });
      if (code !== 0) throw new CommandExit(code);
    });
}
