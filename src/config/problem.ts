// One problem found in a config file, and how it is written for the user.
import { formatPath } from "./describe.js";

export interface Position {
  readonly line: number;
  readonly col: number;
}

export interface Problem {
  readonly at?: Position;
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** "teleport.yaml:12:7: ssh_service.listen_addr: expected ..., got ..." */
export function formatProblem(source: string, problem: Problem): string {
  const where = problem.at ? `${source}:${problem.at.line}:${problem.at.col}` : source;
  const key = formatPath(problem.path);
  return key === "" ? `${where}: ${problem.message}` : `${where}: ${key}: ${problem.message}`;
}

/** File order, so the list reads top to bottom; problems with no place (a missing key) first. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  const rank = (problem: Problem): number =>
    problem.at ? problem.at.line * 1_000_000 + problem.at.col : -1;
  return [...problems].sort((a, b) => rank(a) - rank(b));
}
