// Invite (and reset) links: a random 32-byte token shown once; the backend keeps only its
// SHA-256 (/invites/<hash>) with the user's name, for its lifetime plus a grace period so that
// a late click hears "expired" rather than "not found". With a second factor, the invite also
// holds the TOTP secret the user enrolls, made when the invite is first read.
import { createHash, randomBytes } from "node:crypto";
import { CompareFailedError, NotFoundError, type Backend, type Item } from "../../backend/index.js";
import { INVITES_PREFIX, inviteKey } from "./keys.js";
import { parseItem } from "./records.js";
import { storedInvite } from "./schema.js";

export type InviteKind = "signup" | "reset";

export interface Invite {
  user: string;
  kind: InviteKind;
  created: Date;
  expires: Date;
  /** Base32; set once, on the first read of the invite. */
  otpSecret?: string;
}

const TOKEN_BYTES = 32;
const TOKEN_FORMAT = /^[0-9a-f]{64}$/;

function hashOf(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

function toJson(invite: Invite): string {
  return JSON.stringify({
    ...invite,
    created: invite.created.toISOString(),
    expires: invite.expires.toISOString(),
  });
}

export class InviteStore {
  readonly #backend: Backend;
  readonly #grace: number;

  constructor(backend: Backend, grace: number) {
    this.#backend = backend;
    this.#grace = grace;
  }

  /** Stores a new invite; returns its token, which exists nowhere else. */
  async create(invite: Invite): Promise<string> {
    const token = randomBytes(TOKEN_BYTES).toString("hex");
    await this.#backend.create(inviteKey(hashOf(token)), toJson(invite), {
      expires: new Date(invite.expires.getTime() + this.#grace),
    });
    return token;
  }

  /** The invite of `token` with its backend item, or undefined for an unknown token. */
  async find(token: string): Promise<{ invite: Invite; item: Item } | undefined> {
    if (typeof token !== "string" || !TOKEN_FORMAT.test(token)) return undefined;
    const item = await this.#backend.get(inviteKey(hashOf(token)));
    return item === undefined ? undefined : { invite: parseItem(storedInvite, item), item };
  }

  /**
   * Stores `secret` in the invite of `item`, keeping its lifetime; false when the invite changed
   * since `item` was read (another read set a secret first, or it was used or removed).
   */
  async attachOtpSecret(item: Item, invite: Invite, secret: string): Promise<boolean> {
    try {
      const value = toJson({ ...invite, otpSecret: secret });
      const options = item.expires === undefined ? {} : { expires: item.expires };
      await this.#backend.compareAndSwap(item.key, item.revision, value, options);
      return true;
    } catch (error) {
      if (error instanceof CompareFailedError || error instanceof NotFoundError) return false;
      throw error;
    }
  }

  /** Deletes the invite's item; false when another request took it first (single use). */
  async take(item: Item): Promise<boolean> {
    return this.#backend.delete(item.key);
  }

  /** Deletes every invite of `user` (a reset or removal makes older links useless). */
  async removeFor(user: string): Promise<void> {
    for (const item of await this.#backend.getRange(INVITES_PREFIX)) {
      if (parseItem(storedInvite, item).user === user) await this.#backend.delete(item.key);
    }
  }
}
