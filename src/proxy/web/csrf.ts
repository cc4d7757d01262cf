// CSRF protection: a request that changes something and comes with a session cookie must also
// carry the session's token in a header. Other sites can make a browser send the cookie (on
// older browsers) but cannot read the token: it is only in answers to this origin, and no CORS
// header ever lets another origin read those.
import { randomBytes, timingSafeEqual } from "node:crypto";

export const CSRF_HEADER = "x-csrf-token";

export function newCsrfToken(): string {
  return randomBytes(32).toString("base64url");
}

/** True when the header holds exactly `expected` (compared in constant time). */
export function csrfMatches(expected: string, header: string | string[] | undefined): boolean {
  if (typeof header !== "string") return false;
  const given = Buffer.from(header);
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/** Methods that change nothing and so need no token. */
export function isSafeMethod(method: string): boolean {
  return method === "GET" || method === "HEAD";
}
