// Calls to the proxy's web API. The session itself is the HttpOnly cookie the browser sends; the
// CSRF token lives only in this module's memory (it comes back from GET /webapi/sessions/web
// after a reload), so nothing secret is ever kept in the browser's storage.
import type { z } from "zod";
import { loginPath } from "./router";

export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken: string | undefined;

/** Remembers (or, with undefined, forgets) the session's CSRF token for later non-GET calls. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export interface CallOptions<T> {
  /** Checks the reply's shape; without it the reply is trusted as T. */
  schema?: z.ZodType<T>;
  /**
   * Whether a 401 sends the browser to the login page (the default). Off for the calls that
   * need no session (login, invites) and for the first session check.
   */
  redirectOn401?: boolean;
  /**
   * Sends no cookie (the invite page: the token is the credential, and a session cookie of this
   * proxy would only make a POST need that session's CSRF token).
   */
  anonymous?: boolean;
}

async function messageOf(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === "object" && body !== null && "error" in body) {
      const error: unknown = body.error;
      if (typeof error === "object" && error !== null && "message" in error) {
        if (typeof error.message === "string") return error.message;
      }
    }
  } catch {
    // Not JSON (a proxy or gateway page): the status line says what little is known.
  }
  return `the proxy answered ${response.status} ${response.statusText}`.trim();
}

function toLogin(): void {
  const here = `${window.location.pathname}${window.location.search}`;
  window.location.assign(loginPath(here));
}

async function call<T>(
  method: string,
  path: string,
  body: unknown,
  options: CallOptions<T>,
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken !== undefined) headers["x-csrf-token"] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: options.anonymous ? "omit" : "same-origin",
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    throw new ApiError(0, "cannot reach the proxy: check the network connection and try again");
  }
  if (!response.ok) {
    const message = await messageOf(response);
    if (response.status === 401 && options.redirectOn401 !== false) {
      setCsrfToken(undefined);
      toLogin();
    }
    throw new ApiError(response.status, message);
  }
  const data: unknown = await response.json();
  if (options.schema === undefined) return data as T;
  const parsed = options.schema.safeParse(data);
  if (!parsed.success) {
    throw new ApiError(
      response.status,
      `the proxy's answer to ${method} ${path.split("?")[0] ?? path} has an unexpected shape: is the proxy the same version as this page?`,
    );
  }
  return parsed.data;
}

export function apiGet<T>(path: string, options: CallOptions<T> = {}): Promise<T> {
  return call("GET", path, undefined, options);
}

export function apiSend<T>(
  method: "POST" | "PUT" | "DELETE",
  path: string,
  body?: unknown,
  options: CallOptions<T> = {},
): Promise<T> {
  return call(method, path, body, options);
}

/** The message to show for a failed call (any thrown value). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
