/** A config file that cannot be used, with every problem found in it. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** The file name (or other label) the problems refer to. */
  readonly source: string;
  /** One line per problem, each starting with "source[:line:col]: ". */
  readonly problems: readonly string[];

  constructor(source: string, problems: readonly string[]) {
    super(problems.length > 0 ? problems.join("\n") : `${source}: invalid config`);
    this.source = source;
    this.problems = problems;
  }
}
