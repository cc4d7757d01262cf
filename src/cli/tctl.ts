import type { Command } from "commander";
import { addPlannedCommands } from "./planned.js";
import { addRecordingsVerify } from "./recordings-verify.js";
import { processIo, rootCommand, runCli, type CliIo } from "./run.js";

export function buildTctlCli(io: CliIo): Command {
  const program = rootCommand("tctl", "Administer a Teleport cluster.", io);
  program.option("-c, --config <file>", "teleport.yaml of this auth server", "/etc/teleport.yaml");
  program.option("-i, --identity <file>", "identity file made by 'tctl auth sign'");
  addPlannedCommands(program, [
    { words: ["status"], description: "Show the cluster's name, version and CA pin.", issue: 5 },
    { words: ["nodes", "add"], description: "Make a join token for a new node.", issue: 5 },
    { words: ["nodes", "ls"], description: "List the nodes of the cluster.", issue: 5 },
    { words: ["tokens", "add"], description: "Make a join token.", issue: 5 },
    { words: ["tokens", "ls"], description: "List the join tokens.", issue: 5 },
    { words: ["tokens", "rm"], description: "Remove a join token.", issue: 5 },
    { words: ["users", "add"], description: "Add a user and print an invite link.", issue: 5 },
    { words: ["users", "ls"], description: "List users.", issue: 5 },
    { words: ["users", "rm"], description: "Remove a user.", issue: 5 },
    { words: ["users", "reset"], description: "Reset a user's password.", issue: 5 },
    { words: ["auth", "sign"], description: "Write an identity file for automation.", issue: 5 },
    { words: ["get"], description: "Print resources (roles, users, tokens).", issue: 5 },
    { words: ["create"], description: "Create or update resources from a YAML file.", issue: 5 },
    { words: ["rm"], description: "Remove a resource (e.g. role/NAME).", issue: 5 },
  ]);
  addRecordingsVerify(program, io);
  return program;
}

export function main(argv: string[]): Promise<number> {
  return runCli(buildTctlCli(processIo), argv, processIo);
}
