import type { Command } from "commander";
import { addPlay } from "./play.js";
import { processIo, rootCommand, runCli, type CliIo } from "./run.js";
import { addConfig } from "./tsh-config.js";
import { addClientOptions } from "./tsh-context.js";
import { addLogin } from "./tsh-login.js";
import { addLs } from "./tsh-ls.js";
import { clusterRecordings } from "./tsh-play.js";
import { addRecordings } from "./tsh-recordings.js";
import { addSsh } from "./tsh-ssh.js";

export function buildTshCli(io: CliIo): Command {
  const program = rootCommand("tsh", "Teleport client: log in, reach nodes, replay sessions.", io);
  // Options after a subcommand are its own: what follows `tsh ssh NODE` is the remote command.
  addClientOptions(program).enablePositionalOptions();
  addLogin(program, io);
  addLs(program, io);
  addSsh(program);
  addRecordings(program, io);
  addConfig(program, io);
  addClientOptions(addPlay(program, io, (data) => process.stdout.write(data), clusterRecordings));
  return program;
}

export function main(argv: string[]): Promise<number> {
  return runCli(buildTshCli(processIo), argv, processIo);
}
