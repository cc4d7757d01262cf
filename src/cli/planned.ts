import type { Command } from "commander";
import { NotImplementedError } from "./errors.js";

/** A subcommand that a later issue builds; it exists now so help lists the whole tool. */
export interface PlannedCommand {
  /** Words after the program name, e.g. ["tokens", "add"]. */
  words: string[];
  description: string;
  issue: number;
}

function findOrAdd(parent: Command, word: string): Command {
  return parent.commands.find((c) => c.name() === word) ?? parent.command(word);
}

/** Adds planned commands; they accept any arguments and exit 1 saying which issue builds them. */
export function addPlannedCommands(program: Command, planned: PlannedCommand[]): void {
  for (const entry of planned) {
    let command = program;
    for (const word of entry.words) command = findOrAdd(command, word);
    const fullName = `${program.name()} ${entry.words.join(" ")}`;
    command
      .description(`${entry.description} (not implemented yet)`)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        throw new NotImplementedError(fullName, entry.issue);
      });
  }
}
