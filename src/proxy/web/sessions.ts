// Web sessions, in the proxy's memory: a random id (the cookie) → the user, the CSRF token and
// an auth client with the TLS certificate issued at login, so every call auth gets from a
// session is checked against that user's roles. A session ends with its certificate.
import { randomBytes } from "node:crypto";
import type { AuthClient } from "../../auth/index.js";
import { newCsrfToken } from "./csrf.js";

/** How often ended sessions are dropped (they are refused at once anyway). */
const SWEEP_INTERVAL_MS = 60_000;

export interface WebSession {
  readonly id: string;
  readonly csrfToken: string;
  readonly user: string;
  readonly roles: readonly string[];
  readonly logins: readonly string[];
  /** When the session's certificate expires, and with it the session. */
  readonly expires: Date;
  /** The auth API as this user. */
  readonly auth: AuthClient;
}

export type NewWebSession = Omit<WebSession, "id" | "csrfToken">;

export class WebSessionStore {
  readonly #sessions = new Map<string, WebSession>();
  readonly #now: () => Date;
  readonly #timer: NodeJS.Timeout;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
    this.#timer = setInterval(() => this.#sweep(), SWEEP_INTERVAL_MS);
    this.#timer.unref();
  }

  add(fields: NewWebSession): WebSession {
    const session: WebSession = {
      ...fields,
      id: randomBytes(32).toString("base64url"),
      csrfToken: newCsrfToken(),
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The live session with this id; undefined when there is none or it has ended. */
  get(id: string | undefined): WebSession | undefined {
    if (id === undefined) return undefined;
    const session = this.#sessions.get(id);
    if (session === undefined) return undefined;
    if (session.expires.getTime() <= this.#now().getTime()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session;
  }

  remove(id: string): void {
    this.#sessions.delete(id);
  }

  /** Seconds until the session ends (a cookie's Max-Age). */
  secondsLeft(session: WebSession): number {
    return (session.expires.getTime() - this.#now().getTime()) / 1000;
  }

  close(): void {
    clearInterval(this.#timer);
    this.#sessions.clear();
  }

  #sweep(): void {
    for (const id of [...this.#sessions.keys()]) this.get(id);
  }
}
