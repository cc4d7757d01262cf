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

async function play(
  target: string,
  opts: PlayOptions,
  io: CliIo,
  writeBytes: (data: Uint8Array) => void,
): Promise<number> {
  const speed = parseSpeed(opts.speed);
  const reader = await RecordingReader.open(target, opts.dataDir ? { dataDir: opts.dataDir } : {});
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

/** `tsh play SID|PATH`: replays a recording from a local data dir or from its files. */
export function addPlay(program: Command, io: CliIo, writeBytes: (data: Uint8Array) => void): void {
  program
    .command("play")
    .description(
      "Replay a recorded session: a session id (in --data-dir) or a recording's .index or folder.",
    )
    .argument("<session>", "session id, or path of a recording's .index file or folder")
    .option("--data-dir <dir>", "data dir to find a session id in", "/var/lib/teleport")
    .addOption(new Option("--speed <speed>", "playback speed").choices([...SPEEDS]).default("1x"))
    .option("--skip-idle-time", "cut long pauses short")
    .addOption(
      new Option("-f, --format <format>", "output format").choices([...FORMATS]).default("pty"),
    )
    .action(async (target: string, opts: PlayOptions) => {
      const code = await play(target, opts, io, writeBytes);
      if (code !== 0) throw new CommandExit(code);
    });
}
