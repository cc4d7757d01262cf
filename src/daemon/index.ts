import { mkdirSync } from "node:fs";
import { assertEnhancedRecordingAvailable } from "../bpf/index.js";
import type { Config } from "../config/index.js";
import type { Logger } from "../log/index.js";
import { TELEPORT_COMPATIBLE_VERSION, VERSION } from "../version.js";
import { removePidFile, writePidFile } from "./pid-file.js";
import { planServices } from "./plan.js";
import type { Service } from "./service.js";

export type { MissingService, Service } from "./service.js";

export interface DaemonOptions {
  config: Config;
  configPath: string;
  logger: Logger;
  pidFile?: string;
}

export interface RunningDaemon {
  /** Stops every started service in reverse order; safe to call more than once. */
  stop(reason: string): Promise<void>;
  readonly stopped: Promise<void>;
}

function prepareDataDir(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new Error(
      `cannot create data_dir ${dataDir}: ${reason} (set teleport.data_dir to a writable folder)`,
      { cause: err },
    );
  }
}

async function stopAll(started: Service[], logger: Logger): Promise<void> {
  for (const service of [...started].reverse()) {
    try {
      await service.stop();
    } catch (err) {
      logger.error({ component: service.name, err }, "Service did not stop cleanly.");
    }
  }
}

/** Starts every service the config enables that this build has; logs the ones it lacks. */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const { config, logger } = options;
  const recording = config.ssh_service.enhanced_recording;
  // A node that promises enhanced recording must not run without it (DESIGN §3).
  if (config.ssh_service.enabled && recording.enabled) {
    assertEnhancedRecordingAvailable({ cgroupPath: recording.cgroup_path });
  }
  prepareDataDir(config.teleport.data_dir);
  if (options.pidFile) writePidFile(options.pidFile);

  logger.info(
    {
      component: "process",
      version: VERSION,
      compatible_with: TELEPORT_COMPATIBLE_VERSION,
      config: options.configPath,
      data_dir: config.teleport.data_dir,
      nodename: config.teleport.nodename,
    },
    "Teleport is starting.",
  );

  const plan = planServices(config, logger);
  for (const part of plan.missing) {
    logger.warn({ component: "process", service: part.name }, `Not started: ${part.reason}.`);
  }

  const started: Service[] = [];
  try {
    for (const service of plan.services) {
      await service.start();
      started.push(service);
    }
  } catch (err) {
    await stopAll(started, logger);
    if (options.pidFile) removePidFile(options.pidFile);
    throw err;
  }
  plan.diag()?.setReady(true);
  logger.info(
    { component: "process", services: started.map((s) => s.name).join(",") },
    "Teleport is ready.",
  );

  let resolveStopped: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    resolveStopped = resolve;
  });
  let stopping: Promise<void> | undefined;
  const stop = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      logger.info({ component: "process", reason }, "Teleport is stopping.");
      plan.diag()?.setReady(false);
      await stopAll(started, logger);
      if (options.pidFile) removePidFile(options.pidFile);
      logger.info({ component: "process" }, "Teleport has stopped.");
      resolveStopped();
    })();
    return stopping;
  };
  return { stop, stopped };
}
