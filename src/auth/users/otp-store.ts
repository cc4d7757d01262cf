// Users' TOTP secrets (/otp_secrets/NAME) and, per user, the last step a code was accepted for
// (/otp_used/NAME), so that a code seen over someone's shoulder or in a log cannot be used again.
import {
  AlreadyExistsError,
  CompareFailedError,
  NotFoundError,
  type Backend,
} from "../../backend/index.js";
import { otpSecretKey, otpUsedKey } from "./keys.js";
import { parseItem } from "./records.js";
import { storedOtpSecret, storedOtpUsed } from "./schema.js";
import { matchTotp, totpExpiry } from "./totp.js";

const CAS_ATTEMPTS = 10;

export class OtpStore {
  readonly #backend: Backend;

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  async secret(user: string): Promise<string | undefined> {
    const item = await this.#backend.get(otpSecretKey(user));
    return item === undefined ? undefined : parseItem(storedOtpSecret, item).secret;
  }

  async setSecret(user: string, secret: string): Promise<void> {
    await this.#backend.put(otpSecretKey(user), JSON.stringify({ secret }));
  }

  /** Forgets the user's secret and used steps (reset, removal, or a signup without one). */
  async remove(user: string): Promise<void> {
    await this.#backend.delete(otpSecretKey(user));
    await this.#backend.delete(otpUsedKey(user));
  }

  /**
   * True when `code` is a current code of `secret` for a step later than any accepted before
   * for `user`; that step is then used up. Of two requests with the same code, one wins.
   */
  async accept(user: string, secret: string, code: string, now: Date): Promise<boolean> {
    const counter = matchTotp(secret, code, now);
    if (counter === undefined) return false;
    const key = otpUsedKey(user);
    const value = JSON.stringify({ counter });
    // Once the step is out of the window, the record has nothing left to refuse.
    const options = { expires: totpExpiry(counter) };
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const item = await this.#backend.get(key);
      if (item !== undefined && parseItem(storedOtpUsed, item).counter >= counter) return false;
      try {
        if (item === undefined) await this.#backend.create(key, value, options);
        else await this.#backend.compareAndSwap(key, item.revision, value, options);
        return true;
      } catch (error) {
        // Another login wrote it since we read it: read again, it may have used this step.
        const raced =
          error instanceof AlreadyExistsError ||
          error instanceof CompareFailedError ||
          error instanceof NotFoundError;
        if (!raced) throw error;
      }
    }
    throw new Error(
      `could not record a used one-time password of ${JSON.stringify(user)}: ${key} kept ` +
        `changing over ${CAS_ATTEMPTS} tries`,
    );
  }
}
