import { existsSync } from "node:fs";
import type { DownloadedRecording } from "../auth/index.js";
import { Option, type Command } from "commander";
import { eventJsonLine } from "../events/index.js";
import {
  asciicastLines,
  buildTimeline,
  parseSpeed,
  RecordingReader,
  replay,
  screenText,
  SPEEDS,
} from "../recording/index.js";
import { CommandExit } from "./errors.js";
import type { CliIo } from "./run.js";

const FORMATS = ["pty", "json", "asciicast", "text"] as const;
type Format = (typeof FORMATS)[number];

interface PlayOptions {
  dataDir?: string;
  speed: string;
  skipIdleTime?: boolean;
  format: Format;
}

/** A recording of the cluster, downloaded into a local folder for playing. */
/** Where `tsh play SID` gets recordings of the cluster from. */
export interface ClusterRecordings {
  /** Downloads session `sid`; undefined when not logged in (then --data-dir is searched). */
  fetch(sid: string, command: Command): Promise<DownloadedRecording | undefined>;
}

/** A path to a recording rather than a session id. */
function isPath(target: string): boolean {
  return target.includes("/") || target.endsWith(".index") || existsSync(target);
}

async function play(
  reader: RecordingReader,
  opts: PlayOptions,
  io: CliIo,
  writeBytes: (data: Uint8Array) => void,
): Promise<number> {
  const speed = parseSpeed(opts.speed);
  const { events, problems } = await reader.readAll();
  if (opts.format === "json") {
    for (const recorded of events) io.stdout(eventJsonLine(recorded.event));
  } else {
    const timeline = buildTimeline(reader.sid, events);
    if (opts.format === "asciicast") for (const line of asciicastLines(timeline)) io.stdout(line);
    else if (opts.format === "text") io.stdout(await screenText(timeline));
    else
      await replay(timeline, {
        speed,
        skipIdleTime: opts.skipIdleTime ?? false,
        write: writeBytes,
      });
  }
  // What could be read was played; the damage is still reported and fails the command.
  for (const problem of problems) io.stderr(`WARNING: ${problem.message}\n`);
  return problems.length > 0 ? 1 : 0;
}

/**
 * `tsh play SID|PATH`: replays a recording of the cluster (when logged in), from a local data
 * dir (--data-dir, or when not logged in) or from its files.
 */
export function addPlay(
  program: Command,
  io: CliIo,
  writeBytes: (data: Uint8Array) => void,
  cluster?: ClusterRecordings,
): Command {
  return program
    .command("play")
    .description(
      "Replay a recorded session: a session id (from the cluster when logged in, else in " +
        "--data-dir) or a recording's .index or folder.",
    )
    .argument("<session>", "session id, or path of a recording's .index file or folder")
    .option("--data-dir <dir>", "data dir to find a session id in", "/var/lib/teleport")
    .addOption(new Option("--speed <speed>", "playback speed").choices([...SPEEDS]).default("1x"))
    .option("--skip-idle-time", "cut long pauses short")
    .addOption(
      new Option("-f, --format <format>", "output format").choices([...FORMATS]).default("pty"),
    )
    .action(async (target: string, opts: PlayOptions, command: Command) => {
      const local = command.getOptionValueSource("dataDir") === "cli" || isPath(target);
      const download = local ? undefined : await cluster?.fetch(target, command);
      let code: number;
      try {
        const reader = download
          ? await RecordingReader.open(download.dir, { sid: target })
          : await RecordingReader.open(target, { dataDir: opts.dataDir });
        code = await play(reader, opts, io, writeBytes);
      } finally {
        await download?.remove();
      }
      if (code !== 0) throw new CommandExit(code);
    });
}
