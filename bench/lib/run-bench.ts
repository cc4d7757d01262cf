// The command-line life of a bench, the same for each: options, set-up, run, report, clean-up
// (also on Ctrl-C), and the exit status that sums it up.

/** A bench as runBench drives it. */
export interface Bench<Report> {
  setUp(): Promise<void>;
  run(): Promise<void>;
  report(): Report;
  /** Undoes the set-up, as far as it got; the problems it hit. */
  cleanUp(): Promise<string[]>;
}

export interface BenchProgram<Options, Report> {
  /** The prefix of every line the bench writes to stderr. */
  name: string;
  usage: string;
  /** Throws with a message for the user when the options are wrong. */
  parseOptions(argv: string[]): Options;
  create(options: Options): Bench<Report>;
  format(report: Report, options: Options): string;
  /** Whether a failure's message says all there is to say (printed without its stack). */
  messageOnly?(failure: Error): boolean;
}

/**
 * Runs the bench on this process's arguments and resolves with its exit status: 64 for wrong
 * options (with the usage), 130 after SIGINT or SIGTERM, 1 when the run or the clean-up failed,
 * else 0 with the report on stdout. A missed target is no failure.
 */
export async function runBench<Options, Report>(
  program: BenchProgram<Options, Report>,
): Promise<number> {
  const say = (line: string): boolean => process.stderr.write(`${program.name}: ${line}\n`);
  let options: Options;
  try {
    options = program.parseOptions(process.argv.slice(2));
  } catch (error) {
    say(`${(error as Error).message}\n${program.usage}`);
    return 64;
  }
  const bench = program.create(options);
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (interrupted) return;
    interrupted = true;
    say(`${signal}, cleaning up`);
    void bench.cleanUp().finally(() => process.exit(130));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  let report: Report | undefined;
  let failure: Error | undefined;
  try {
    await bench.setUp();
    await bench.run();
    report = bench.report();
  } catch (error) {
    failure = error as Error;
  }
  const problems = await bench.cleanUp();
  for (const p of problems) say(`cleanup: ${p}`);
  // After a signal, a run failing because what it measured is gone is no news.
  if (interrupted) return 130;
  if (failure !== undefined) {
    say(
      program.messageOnly?.(failure) === true
        ? failure.message
        : (failure.stack ?? failure.message),
    );
    return 1;
  }
  if (report === undefined) return 1;
  process.stdout.write(program.format(report, options));
  return problems.length > 0 ? 1 : 0;
}
