// The proxy's web API as the tests call it: a web session from a password login, and the
// message of an error answer.
import assert from "node:assert/strict";
import { httpsCall, type HttpsAnswer } from "./https.js";

export interface WebSession {
  /** `name=value` of the session cookie, to send back. */
  cookie: string;
  /** The whole Set-Cookie header (with its attributes). */
  setCookie: string;
  csrf: string;
  body: Record<string, unknown>;
}

/** POST /webapi/sessions/web with the password, as the login page does; fails unless 200. */
export async function webLogin(port: number, user: string, password: string): Promise<WebSession> {
  const answer = await httpsCall(port, "POST", "/webapi/sessions/web", {
    body: { user, password },
  });
  assert.equal(answer.status, 200, answer.text);
  const setCookie = answer.headers["set-cookie"]?.[0] ?? "";
  return {
    cookie: setCookie.split(";")[0] ?? "",
    setCookie,
    csrf: String(answer.json["csrf_token"]),
    body: answer.json,
  };
}

/** The message of an error answer ({"error": {"message": …}}). */
export function errorMessageOf(answer: HttpsAnswer): string {
  const error = answer.json["error"] as { message?: unknown } | undefined;
  return String(error?.message);
}
