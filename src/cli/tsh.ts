import type { Command } from "commander";
import { addPlannedCommands } from "./planned.js";
import { addPlay } from "./play.js";
import { processIo, rootCommand, runCli, type CliIo } from "./run.js";

export function buildTshCli(io: CliIo): Command {
  const program = rootCommand("tsh", "Teleport client: log in, reach nodes, replay sessions.", io);
  program.option("-i, --identity <file>", "identity file made by 'tctl auth sign'");
  program.option("--proxy <host:port>", "the cluster's proxy");
  addPlannedCommands(program, [
    { words: ["login"], description: "Log in to a cluster and get certificates.", issue: 7 },
    { words: ["logout"], description: "Delete the local certificates.", issue: 7 },
    { words: ["status"], description: "Show the current login.", issue: 7 },
    { words: ["ls"], description: "List the nodes you can reach.", issue: 7 },
    { words: ["ssh"], description: "Open an SSH session on a node.", issue: 7 },
    { words: ["recordings", "ls"], description: "List session recordings.", issue: 7 },
    { words: ["config"], description: "Print an OpenSSH config block for the cluster.", issue: 7 },
  ]);
  addPlay(program, io, (data) => process.stdout.write(data));
  return program;
}

export function main(argv: string[]): Promise<number> {
  return runCli(buildTshCli(processIo), argv, processIo);
}
