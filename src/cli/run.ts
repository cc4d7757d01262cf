import { Command, CommanderError } from "commander";
import { CommandExit, UsageError } from "./errors.js";

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;

/** Streams a CLI writes to; tests pass their own to capture output without a subprocess. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/**
 * Makes a root command whose parse errors come back as values instead of process.exit,
 * so exit codes follow one rule: 0 ok, 1 error, 2 usage. Subcommands inherit these settings
 * only when created after this call, so build the tree from the returned command.
 */
export function rootCommand(name: string, description: string, io: CliIo): Command {
  return new Command(name)
    .description(description)
    .exitOverride()
    .showHelpAfterError(`(run '${name} --help' for usage)`)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
}

function exitCodeOf(err: CommanderError): number {
  switch (err.code) {
    case "commander.helpDisplayed":
    case "commander.version":
      return EXIT_OK;
    default:
      return EXIT_USAGE;
  }
}

/** Runs a command tree on argv (without node and script) and returns the exit code. */
export async function runCli(program: Command, argv: string[], io: CliIo): Promise<number> {
  try {
    await program.parseAsync(argv, { from: "user" });
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) return exitCodeOf(err);
    if (err instanceof CommandExit) return err.code;
    if (err instanceof UsageError) {
      io.stderr(`ERROR: ${err.message}\n(run '${program.name()} --help' for usage)\n`);
      return EXIT_USAGE;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr(`ERROR: ${message}\n`);
    if (process.env["TELEPORT_DEBUG"] && err instanceof Error && err.stack) {
      io.stderr(`${err.stack}\n`);
    }
    return EXIT_ERROR;
  }
}
