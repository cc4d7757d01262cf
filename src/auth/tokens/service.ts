// Join tokens: made by tctl nodes add / tokens add, listed, revoked, and checked when a node joins.
import {
  AlreadyExistsError,
  CompareFailedError,
  NotFoundError,
  type Backend,
  type Item,
} from "../../backend/index.js";
import type { StaticToken } from "../../config/index.js";
import {
  StaticTokenError,
  StoredTokenError,
  TokenExistsError,
  TokenExpiredError,
  TokenInputError,
  TokenNotFoundError,
  TokenRemoveError,
  TokenRevokedError,
  TokenRoleError,
  TokenUsedError,
} from "./errors.js";
import type { TokenRole } from "./roles.js";
import {
  addTokenRequest,
  problemsOf,
  staticTokenSchema,
  storedToken,
  tokenRole,
  type StoredToken,
  type StoredTokenInput,
} from "./schema.js";
import { randomToken, sameSecret, tokenKey, TOKENS_PREFIX } from "./secret.js";

/** A token as tctl tokens ls shows it. Static tokens (from teleport.yaml) never expire. */
export interface JoinToken {
  token: string;
  roles: TokenRole[];
  labels: Record<string, string>;
  /** Undefined for static tokens. */
  expires?: Date;
  static: boolean;
}

export interface AddedToken extends JoinToken {
  expires: Date;
  /** The TTL asked for, in milliseconds (for "This token will expire in 5 minutes"). */
  ttl: number;
}

export interface AddTokenRequest {
  roles: readonly string[];
  /** Milliseconds; at least one second. */
  ttl: number;
  /** A chosen value; a random 16-byte hex token otherwise. */
  token?: string;
  labels?: Record<string, string>;
}

export interface TokenServiceOptions {
  now?: () => Date;
  /** auth_service.tokens of teleport.yaml. */
  staticTokens?: readonly StaticToken[];
  /**
   * How long a token's record outlives its expiry, so that a late join hears "expired" rather
   * than "unknown". The backend's TTL removes it after that.
   */
  grace?: number;
}

const DAY = 24 * 60 * 60 * 1000;
const CAS_ATTEMPTS = 5;

type Active = Extract<StoredToken, { state: "active" }>;

function toWire(record: StoredToken): StoredTokenInput {
  if (record.state === "active") {
    return {
      ...record,
      created: record.created.toISOString(),
      expires: record.expires.toISOString(),
    };
  }
  return { ...record, at: record.at.toISOString(), expires: record.expires.toISOString() };
}

function activeToken(record: Active): JoinToken {
  return {
    token: record.token,
    roles: record.roles,
    labels: record.labels,
    expires: record.expires,
    static: false,
  };
}

export class TokenService {
  readonly #backend: Backend;
  readonly #now: () => Date;
  readonly #static: readonly JoinToken[];
  readonly #grace: number;

  constructor(backend: Backend, options: TokenServiceOptions = {}) {
    this.#backend = backend;
    this.#now = options.now ?? (() => new Date());
    this.#grace = options.grace ?? DAY;
    this.#static = (options.staticTokens ?? []).map((entry, index) => {
      const parsed = staticTokenSchema.safeParse(entry);
      if (!parsed.success) {
        const problems = problemsOf(parsed.error).map((p) => `auth_service.tokens[${index}]: ${p}`);
        throw new TokenInputError(problems);
      }
      return { token: parsed.data.token, roles: parsed.data.roles, labels: {}, static: true };
    });
  }

  /** Makes a token valid for `ttl` from now. */
  async add(request: AddTokenRequest): Promise<AddedToken> {
    const parsed = addTokenRequest.safeParse(request);
    if (!parsed.success) throw new TokenInputError(problemsOf(parsed.error));
    const { roles, ttl, labels = {} } = parsed.data;
    const token = parsed.data.token ?? randomToken();
    if (this.#findStatic(token) !== undefined) throw new TokenExistsError();

    const created = this.#now();
    const expires = new Date(created.getTime() + ttl);
    const record: StoredToken = { state: "active", token, roles, labels, created, expires };
    const key = tokenKey(token);
    try {
      await this.#backend.create(key, JSON.stringify(toWire(record)), {
        expires: this.#keepUntil(expires),
      });
    } catch (error) {
      if (error instanceof AlreadyExistsError) throw new TokenExistsError();
      throw error;
    }
    return { ...activeToken(record), expires, ttl };
  }

  /** Live tokens, static ones included, sorted by value. */
  async list(): Promise<JoinToken[]> {
    const now = this.#now().getTime();
    const dynamic: JoinToken[] = [];
    for (const item of await this.#backend.getRange(TOKENS_PREFIX)) {
      const record = this.#parse(item);
      if (record.state === "active" && now < record.expires.getTime()) {
        dynamic.push(activeToken(record));
      }
    }
    return [...dynamic, ...this.#static].sort((a, b) =>
      a.token < b.token ? -1 : a.token > b.token ? 1 : 0,
    );
  }

  /** Revokes a token before it expires (tctl tokens rm). */
  async remove(token: string): Promise<void> {
    if (this.#findStatic(token) !== undefined) throw new StaticTokenError();
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const found = await this.#read(token);
      if (found === undefined || found.record.state !== "active") throw new TokenRemoveError();
      if (this.#now().getTime() >= found.record.expires.getTime()) throw new TokenRemoveError();
      if (await this.#retire(found.item, found.record, "revoked")) return;
    }
    throw new Error(`could not remove the token: it kept changing over ${CAS_ATTEMPTS} tries`);
  }

  /**
   * Checks that `token` lets a server join as `role`; tokens stay usable until they expire,
   * as Teleport's node tokens do. Throws a JoinTokenError saying why not.
   */
  async validate(token: string, role: string): Promise<JoinToken> {
    return (await this.#check(token, role)).token;
  }

  /** validate(), then retires the token so that it cannot be used again. */
  async consume(token: string, role: string): Promise<JoinToken> {
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      const checked = await this.#check(token, role);
      // Static tokens live in teleport.yaml: there is nothing to retire.
      if (checked.found === undefined) return checked.token;
      const { item, record } = checked.found;
      if (await this.#retire(item, record, "used")) return checked.token;
    }
    throw new Error(`could not use the token: it kept changing over ${CAS_ATTEMPTS} tries`);
  }

  async #check(
    token: string,
    role: string,
  ): Promise<{ token: JoinToken; found?: { item: Item; record: Active } }> {
    const wanted = tokenRole.safeParse(role);
    if (!wanted.success) throw new TokenInputError(problemsOf(wanted.error));
    if (typeof token !== "string" || token === "") throw new TokenNotFoundError();

    const fromConfig = this.#findStatic(token);
    if (fromConfig !== undefined) {
      this.#checkRole(fromConfig.roles, wanted.data);
      return { token: fromConfig };
    }
    const found = await this.#read(token);
    if (found === undefined) throw new TokenNotFoundError();
    const { record } = found;
    if (record.state !== "active") {
      throw record.state === "used" ? new TokenUsedError() : new TokenRevokedError();
    }
    // Valid strictly before `expires`: at exactly the TTL the token is gone.
    if (this.#now().getTime() >= record.expires.getTime()) {
      throw new TokenExpiredError(record.expires);
    }
    this.#checkRole(record.roles, wanted.data);
    return { token: activeToken(record), found: { item: found.item, record } };
  }

  #checkRole(allowed: readonly TokenRole[], role: TokenRole): void {
    if (!allowed.includes(role)) throw new TokenRoleError(role, allowed);
  }

  // Compares with every static token, without stopping early, so timing says nothing.
  #findStatic(token: string): JoinToken | undefined {
    let match: JoinToken | undefined;
    for (const candidate of this.#static) {
      if (sameSecret(candidate.token, token) && match === undefined) match = candidate;
    }
    return match;
  }

  async #read(token: string): Promise<{ item: Item; record: StoredToken } | undefined> {
    const item = await this.#backend.get(tokenKey(token));
    return item === undefined ? undefined : { item, record: this.#parse(item) };
  }

  /** Replaces a live token by a tombstone; false when someone else wrote it first. */
  async #retire(item: Item, record: Active, state: "revoked" | "used"): Promise<boolean> {
    const tombstone: StoredToken = { state, at: this.#now(), expires: record.expires };
    try {
      await this.#backend.compareAndSwap(
        item.key,
        item.revision,
        JSON.stringify(toWire(tombstone)),
        { expires: this.#keepUntil(record.expires) },
      );
      return true;
    } catch (error) {
      // Lost a race: the item changed or went since it was read.
      if (error instanceof CompareFailedError || error instanceof NotFoundError) return false;
      throw error;
    }
  }

  #keepUntil(expires: Date): Date {
    return new Date(expires.getTime() + this.#grace);
  }

  #parse(item: Item): StoredToken {
    let json: unknown;
    try {
      json = JSON.parse(item.value);
    } catch {
      throw new StoredTokenError(item.key, "not JSON");
    }
    const parsed = storedToken.safeParse(json);
    if (!parsed.success) throw new StoredTokenError(item.key, problemsOf(parsed.error).join("; "));
    return parsed.data;
  }
}
