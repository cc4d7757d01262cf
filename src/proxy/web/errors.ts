// What an endpoint answers instead of success: a status and a message written for the person
// at the other end. Failures of the auth API are turned into these here, in one place.
import { AuthApiError, AuthClientError, AuthUnreachableError } from "../../auth/index.js";

export class WebError extends Error {
  override readonly name = "WebError";

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string): WebError => new WebError(400, message);
export const notFound = (message: string): WebError => new WebError(404, message);

/**
 * The answer for an error of a call to auth. Auth's own refusals (401, 403, 404, 429…) are
 * passed on as they are: they are meant for the user; auth's failures become a 502.
 */
export function fromAuthError(error: unknown): WebError | undefined {
  if (error instanceof AuthApiError) {
    return error.status >= 500
      ? new WebError(502, `the auth service failed: ${error.message}`)
      : new WebError(error.status, error.message);
  }
  if (error instanceof AuthUnreachableError) {
    return new WebError(
      503,
      "the proxy cannot reach the auth service right now: try again shortly, and if it persists ask an administrator to check that auth is running",
    );
  }
  if (error instanceof AuthClientError) {
    return new WebError(
      502,
      "the proxy could not talk to the auth service: its log has the details",
    );
  }
  return undefined;
}
