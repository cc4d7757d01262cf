import type { Command } from "commander";
import { DEFAULT_CONFIG_PATH } from "../config/index.js";
import { addRecordingsVerify } from "./recordings-verify.js";
import { processIo, rootCommand, runCli, type CliIo } from "./run.js";
import { addAuth } from "./tctl-auth.js";
import { addNodes } from "./tctl-nodes.js";
import { addResources } from "./tctl-resources.js";
import { addStatus } from "./tctl-status.js";
import { addTokens } from "./tctl-tokens.js";
import { addUsers } from "./tctl-users.js";

export function buildTctlCli(io: CliIo): Command {
  const program = rootCommand("tctl", "Administer a Teleport cluster.", io);
  program.option("-c, --config <file>", "teleport.yaml of this auth server", DEFAULT_CONFIG_PATH);
  program.option("-i, --identity <file>", "identity file made by 'tctl auth sign'");
  program.option("--auth-server <host:port>", "auth server to use (default: from the config)");
  addStatus(program, io);
  addNodes(program, io);
  addTokens(program, io);
  addUsers(program, io);
  addAuth(program, io);
  addResources(program, io);
  addRecordingsVerify(program, io);
  return program;
}

export function main(argv: string[]): Promise<number> {
  return runCli(buildTctlCli(processIo), argv, processIo);
}
