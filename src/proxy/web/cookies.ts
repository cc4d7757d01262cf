// The web session cookie. "__Host-" makes browsers accept it only with Secure, Path=/ and no
// Domain, so no other host (not even a subdomain) can set or shadow it; HttpOnly keeps it from
// scripts and SameSite=Strict from requests other sites start.
export const SESSION_COOKIE = "__Host-session";

const ATTRIBUTES = "Path=/; HttpOnly; Secure; SameSite=Strict";

/** The value of cookie `name` in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function sessionCookie(id: string, maxAgeSeconds: number): string {
  return `${SESSION_COOKIE}=${id}; ${ATTRIBUTES}; Max-Age=${Math.max(0, Math.floor(maxAgeSeconds))}`;
}

/** Tells the browser to forget the session cookie (logout, or a session that is gone). */
export function clearedSessionCookie(): string {
  return `${SESSION_COOKIE}=; ${ATTRIBUTES}; Max-Age=0`;
}
