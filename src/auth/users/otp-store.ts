// Users' TOTP secrets (/otp_secrets/NAME) and, per user, the last step a code was accepted for
// (/otp_used/NAME), so that a code seen over someone's shoulder or in a log cannot be used again.
import { updateItem, type Backend } from "../../backend/index.js";
import { otpSecretKey, otpUsedKey } from "./keys.js";
import { parseItem } from "./records.js";
import { storedOtpSecret, storedOtpUsed } from "./schema.js";
import { matchTotp, totpExpiry } from "./totp.js";

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
    const value = JSON.stringify({ counter });
    // Once the step is out of the window, the record has nothing left to refuse.
    const options = { expires: totpExpiry(counter) };
    return updateItem(
      this.#backend,
      otpUsedKey(user),
      `a used one-time password of ${JSON.stringify(user)}`,
      (item) =>
        item !== undefined && parseItem(storedOtpUsed, item).counter >= counter
          ? { result: false }
          : { result: true, value, options },
    );
  }
}
