import { hostname } from "node:os";
import { join, resolve } from "node:path";
import { InvalidArgumentError, Option, type Command } from "commander";
import { findCgroup2Mount } from "../cgroup/index.js";
import { loadConfigFile, parseConfig, renderSampleConfig } from "../config/index.js";
import { startDaemon } from "../daemon/index.js";
import { renderSystemdUnit } from "../daemon/systemd.js";
import { createLogger } from "../log/index.js";
import { repoRoot } from "../paths.js";
import { TELEPORT_COMPATIBLE_VERSION, VERSION } from "../version.js";
import { CommandExit } from "./errors.js";
import { runRecord, type RecordOptions } from "./record.js";
import { writeOutput } from "./output.js";
import { processIo, rootCommand, runCli, type CliIo } from "./run.js";

const DEFAULT_CONFIG = "/etc/teleport.yaml";
const DEFAULT_PID_FILE = "/run/teleport.pid";

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new InvalidArgumentError(`expected a positive whole number, got "${value}"`);
  return n;
}

function addVersion(program: Command, io: CliIo): void {
  program
    .command("version")
    .description("Print the version of this teleport binary.")
    .action(() => {
      io.stdout(
        `Teleport v${VERSION} (compatible with Teleport ${TELEPORT_COMPATIBLE_VERSION}) node:${process.version}\n`,
      );
    });
}

function addConfigure(program: Command, io: CliIo): void {
  program
    .command("configure")
    .description(
      "Print (or write with -o) a commented all-in-one teleport.yaml with enhanced recording on.",
    )
    .option("-o, --output <file>", "write the config to FILE instead of stdout")
    .option("--data-dir <dir>", "teleport.data_dir", "/var/lib/teleport")
    .option("--cluster-name <name>", "auth_service.cluster_name (default: this host's name)")
    .option("--nodename <name>", "teleport.nodename (default: this host's name)")
    .option("--public-addr <host:port>", "proxy_service.public_addr")
    .action(
      (opts: {
        output?: string;
        dataDir: string;
        clusterName?: string;
        nodename?: string;
        publicAddr?: string;
      }) => {
        const cgroupMount = findCgroup2Mount();
        const text = renderSampleConfig({
          nodename: opts.nodename ?? hostname(),
          clusterName: opts.clusterName ?? hostname(),
          dataDir: resolve(opts.dataDir),
          cgroupPath: cgroupMount ?? "/cgroup2",
          cgroupPathDetected: cgroupMount !== undefined,
          ...(opts.publicAddr === undefined ? {} : { publicAddr: opts.publicAddr }),
          generatedAt: new Date(),
        });
        // Flags end up in YAML: refuse to write a file that `teleport start` would reject.
        parseConfig(text, "generated config");
        const written = writeOutput(opts.output, text, io, { mode: 0o600, overwrite: false });
        if (written)
          io.stderr(`Wrote config to ${written}. Start with: teleport start --config ${written}\n`);
      },
    );
}

function addInstall(program: Command, io: CliIo): void {
  const install = program.command("install").description("Install teleport into the host system.");
  install
    .command("systemd")
    .description("Print (or write with -o) a systemd unit that runs this installation's teleport.")
    .option("-o, --output <file>", "write the unit to FILE instead of stdout")
    .option("--config <file>", "config file the unit starts teleport with", DEFAULT_CONFIG)
    .option("--pid-file <file>", "pid file", DEFAULT_PID_FILE)
    .option("--env-file <file>", "optional environment file", "/etc/default/teleport")
    .addOption(new Option("--fd-limit <n>", "LimitNOFILE").default(524288).argParser(positiveInt))
    .action(
      (opts: {
        output?: string;
        config: string;
        pidFile: string;
        envFile: string;
        fdLimit: number;
      }) => {
        const unit = renderSystemdUnit({
          nodePath: process.execPath,
          teleportPath: join(repoRoot(), "bin", "teleport.js"),
          configPath: resolve(opts.config),
          pidFile: resolve(opts.pidFile),
          envFile: resolve(opts.envFile),
          fdLimit: opts.fdLimit,
        });
        const written = writeOutput(opts.output, unit, io, { mode: 0o644, overwrite: true });
        if (written) {
          io.stderr(
            `Wrote systemd unit to ${written}. Enable it with: systemctl enable --now teleport\n`,
          );
        }
      },
    );
}

async function runStart(opts: {
  config: string;
  pidFile?: string;
  debug?: boolean;
}): Promise<void> {
  const configPath = resolve(opts.config);
  const config = loadConfigFile(configPath);
  const logger = createLogger({
    output: config.teleport.log.output,
    severity: opts.debug ? "DEBUG" : config.teleport.log.severity,
    format: config.teleport.log.format.output,
  });
  const daemon = await startDaemon({
    config,
    configPath,
    logger,
    ...(opts.pidFile === undefined ? {} : { pidFile: resolve(opts.pidFile) }),
  });
  // Nothing else may hold the event loop open while services are still being built.
  const keepAlive = setInterval(() => undefined, 1 << 30);
  const onSignal = (signal: NodeJS.Signals): void => {
    void daemon.stop(`received ${signal}`);
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  await daemon.stopped;
  clearInterval(keepAlive);
  process.off("SIGTERM", onSignal);
  process.off("SIGINT", onSignal);
}

function addStart(program: Command): void {
  program
    .command("start")
    .description("Start the services that the config enables (auth, proxy, SSH node).")
    .option("-c, --config <file>", "config file", DEFAULT_CONFIG)
    .option("--pid-file <file>", "write the daemon's pid to FILE")
    .option("-d, --debug", "log at DEBUG severity")
    .action((opts: { config: string; pidFile?: string; debug?: boolean }) => runStart(opts));
}

function addRecord(program: Command, io: CliIo): void {
  program
    .command("record")
    .description(
      "Run one command under enhanced recording on this host and print its events as JSON lines.",
    )
    .option(
      "--events <kinds>",
      "event kinds to record: command,disk,network",
      "command,disk,network",
    )
    .option("--out <file>", "write the events to FILE (default: stderr)")
    .option("-c, --config <file>", "teleport.yaml to take buffer sizes and cgroup paths from")
    .argument("<command...>", "the command and its arguments, after --")
    .action(async (command: string[], opts: RecordOptions) => {
      const code = await runRecord(command, opts, io);
      if (code !== 0) throw new CommandExit(code);
    });
}

export function buildTeleportCli(io: CliIo): Command {
  const program = rootCommand(
    "teleport",
    "Teleport daemon: auth, proxy and SSH node services with enhanced session recording.",
    io,
  );
  addVersion(program, io);
  addConfigure(program, io);
  addInstall(program, io);
  addStart(program);
  addRecord(program, io);
  return program;
}

export function main(argv: string[]): Promise<number> {
  return runCli(buildTeleportCli(processIo), argv, processIo);
}
