// Failed login attempts in the backend (/login_attempts/NAME), so that a lock survives a
// restart and holds across auth servers. Updates use compareAndSwap: two failures at once both
// count.
import { updateItem, type Backend } from "../../backend/index.js";
import { attemptsKey } from "./keys.js";
import { afterFailure, forgetAt, type Attempts, type LockoutPolicy } from "./lockout.js";
import { parseItem } from "./records.js";
import { storedAttempts } from "./schema.js";

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
    return updateItem(
      this.#backend,
      attemptsKey(user),
      `a failed login of ${JSON.stringify(user)}`,
      (item) => {
        const state = item === undefined ? undefined : parseItem(storedAttempts, item);
        const next = afterFailure(state, now, this.#policy);
        return {
          result: next,
          value: toJson(next),
          options: { expires: forgetAt(next, this.#policy) },
        };
      },
    );
  }

  async clear(user: string): Promise<void> {
    await this.#backend.delete(attemptsKey(user));
  }
}
