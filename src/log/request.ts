// The one line an HTTP API (auth's, the proxy's web API) logs for each request it answered.
import { performance } from "node:perf_hooks";
import type { Logger } from "pino";

/**
 * Logs `fields` and the time since `started` (performance.now()): a success at debug, since
 * heartbeats and event batches would drown the log at info, and a refusal (4xx) at info. A
 * failure is left to the caller, which logs it with its error.
 */
export function logRequest(
  logger: Logger,
  what: string,
  started: number,
  fields: { route: string; status: number } & Record<string, unknown>,
): void {
  const line = { ...fields, duration_ms: Math.round((performance.now() - started) * 10) / 10 };
  if (fields.status < 400) logger.debug(line, `${what}.`);
  else if (fields.status < 500) logger.info(line, `${what} refused.`);
}
