import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Writable } from "node:stream";
import { pino, type Logger } from "pino";
import { formatTextLine } from "./text-format.js";

export type { Logger } from "pino";
export { formatTextLine } from "./text-format.js";
export { logRequest } from "./request.js";

export interface LogSettings {
  /** "stderr", "stdout", or an absolute file path. */
  output: string;
  severity: "DEBUG" | "INFO" | "WARN" | "ERROR";
  format: "text" | "json";
}

const PINO_LEVEL: Record<LogSettings["severity"], string> = {
  DEBUG: "debug",
  INFO: "info",
  WARN: "warn",
  ERROR: "error",
};

function rawDestination(output: string): pino.DestinationStream {
  if (output === "stderr") return pino.destination({ fd: 2, sync: true });
  if (output === "stdout") return pino.destination({ fd: 1, sync: true });
  mkdirSync(dirname(output), { recursive: true });
  return pino.destination({ dest: output, sync: true, mkdir: true });
}

function textDestination(target: pino.DestinationStream): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      target.write(formatTextLine(chunk.toString("utf8")));
      done();
    },
  });
}

/**
 * The daemon's logger, set up from `teleport.log`. Writes are synchronous so that the last
 * lines before an exit (a refused start, a signal) are never lost.
 */
export function createLogger(settings: LogSettings): Logger {
  const target = rawDestination(settings.output);
  const destination = settings.format === "json" ? target : textDestination(target);
  return pino(
    {
      level: PINO_LEVEL[settings.severity],
      base: undefined,
      // Teleport's JSON log keys, so existing log shippers' parsers keep working.
      messageKey: "message",
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      redact: {
        paths: ["token", "auth_token", "password", "*.token", "*.password", "*.auth_token"],
        censor: "[REDACTED]",
      },
    },
    destination,
  );
}
