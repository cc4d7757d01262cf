// Failed login attempts in the backend (/login_attempts/NAME), so that a lock survives a
// restart and holds across auth servers. Updates use compareAndSwap: two failures at once both
// count.
import {
  AlreadyExistsError,
  CompareFailedError,
  NotFoundError,
  type Backend,
} from "../../backend/index.js";
import { attemptsKey } from "./keys.js";
import { afterFailure, forgetAt, type Attempts, type LockoutPolicy } from "./lockout.js";
import { parseItem } from "./records.js";
import { storedAttempts } from "./schema.js";

const CAS_ATTEMPTS = 10;

function toJson(state: Attempts): string {
  return JSON.stringify({
    failures: state.failures,
    lastFailure: state.lastFailure.toISOString(),
    ...(state.lockedUntil === undefined ? {} : { lockedUntil: state.lockedUntil.toISOString() }),
  });
}

export class AttemptStore {
  readonly #backend: Backend;
  readonly #policy: LockoutPolicy;

  constructor(backend: Backend, policy: LockoutPolicy) {
    this.#backend = backend;
    this.#policy = policy;
  }

  async read(user: string): Promise<Attempts | undefined> {
    const item = await this.#backend.get(attemptsKey(user));
    return item === undefined ? undefined : parseItem(storedAttempts, item);
  }

  /** Counts one more failure at `now`; returns the new state (locked when it reached the limit). */
  async recordFailure(user: string, now: Date): Promise<Attempts> {
    const key = attemptsKey(user);
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const item = await this.#backend.get(key);
      const state = item === undefined ? undefined : parseItem(storedAttempts, item);
      const next = afterFailure(state, now, this.#policy);
      const options = { expires: forgetAt(next, this.#policy) };
      try {
        if (item === undefined) await this.#backend.create(key, toJson(next), options);
        else await this.#backend.compareAndSwap(key, item.revision, toJson(next), options);
        return next;
      } catch (error) {
        // Someone else wrote (or cleared) it since we read it: read again and recount.
        const raced =
          error instanceof AlreadyExistsError ||
          error instanceof CompareFailedError ||
          error instanceof NotFoundError;
        if (!raced) throw error;
      }
    }
    throw new Error(
      `could not record a failed login of ${JSON.stringify(user)}: ${key} kept changing ` +
        `over ${CAS_ATTEMPTS} tries`,
    );
  }

  async clear(user: string): Promise<void> {
    await this.#backend.delete(attemptsKey(user));
  }
}
