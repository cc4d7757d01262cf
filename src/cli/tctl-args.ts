// Argument parsers shared by tctl's commands: bad values are usage errors (exit code 2).
import { InvalidArgumentError } from "commander";
import { DurationError, parseGoDuration } from "../auth/index.js";

/** A Go duration ("5m", "1h30m"), checked here and sent as written. */
export function durationArg(value: string): string {
  try {
    parseGoDuration(value);
  } catch (error) {
    if (error instanceof DurationError) throw new InvalidArgumentError(error.message);
    throw error;
  }
  return value;
}

/** "a,b,c" → ["a", "b", "c"], empty parts dropped. */
export function listArg(value: string): string[] {
  return value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "");
}
