import { parseArgs, type ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

const HELP = { help: { type: "boolean", short: "h", default: false } } as const;

/**
 * The values of a bench's command line: only the options given, no positionals (both throw with
 * a message for the user). `-h` and `--help` print the usage and exit.
 */
export function parseBenchArgs<const O extends Options>(argv: string[], options: O, usage: string) {
  const { values } = parseArgs({
    args: argv,
    options: { ...options, ...HELP },
    strict: true,
    allowPositionals: false,
  });
  if ("help" in values && values.help === true) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  return values;
}
