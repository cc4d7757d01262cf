// Invite (and reset) links: a random 32-byte token shown once; the backend keeps only its
// SHA-256 (/invites/<hash>) with the user's name, for its lifetime plus a grace period so that
// a late click hears "expired" rather than "not found".
import { createHash, randomBytes } from "node:crypto";
import type { Backend, Item } from "../../backend/index.js";
import { INVITES_PREFIX, inviteKey } from "./keys.js";
import { parseItem } from "./records.js";
import { storedInvite } from "./schema.js";

export type InviteKind = "signup" | "reset";

export interface Invite {
  user: string;
  kind: InviteKind;
  created: Date;
  expires: Date;
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
