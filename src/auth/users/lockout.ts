// Login rate limiting as a pure function of the stored state and the clock: after maxAttempts
// consecutive failures (each within lockFor of the one before) the user is locked for lockFor.

export interface LockoutPolicy {
  maxAttempts: number;
  /** Milliseconds. */
  lockFor: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxAttempts: 5, lockFor: 30 * 60 * 1000 };

export interface Attempts {
  failures: number;
  lastFailure: Date;
  lockedUntil?: Date;
}

/** The lock in force at `now`, if any. */
export function lockedUntil(state: Attempts | undefined, now: Date): Date | undefined {
  const until = state?.lockedUntil;
  return until !== undefined && now.getTime() < until.getTime() ? until : undefined;
}

/** Failures that still count at `now`: none once a lock has ended or the last one is old. */
function currentFailures(state: Attempts | undefined, now: Date, policy: LockoutPolicy): number {
  if (state === undefined) return 0;
  if (state.lockedUntil !== undefined)
    return lockedUntil(state, now) === undefined ? 0 : state.failures;
  return now.getTime() - state.lastFailure.getTime() >= policy.lockFor ? 0 : state.failures;
}

/** The state after one more failure at `now`; locked when it reaches maxAttempts. */
export function afterFailure(
  state: Attempts | undefined,
  now: Date,
  policy: LockoutPolicy,
): Attempts {
  const failures = currentFailures(state, now, policy) + 1;
  return failures >= policy.maxAttempts
    ? { failures, lastFailure: now, lockedUntil: new Date(now.getTime() + policy.lockFor) }
    : { failures, lastFailure: now };
}

/** When the state stops mattering: the backend may drop it then. */
export function forgetAt(state: Attempts, policy: LockoutPolicy): Date {
  return state.lockedUntil ?? new Date(state.lastFailure.getTime() + policy.lockFor);
}
