// Local users: tctl users add|reset|rm|ls, invites, and password logins with lockout.
import { AlreadyExistsError, type Backend } from "../../backend/index.js";
import { createEvent, type AuditEventOf } from "../../events/index.js";
import { AttemptStore } from "./attempts.js";
import {
  InvalidCredentialsError,
  InviteExpiredError,
  InviteNotFoundError,
  UnknownRoleError,
  UserExistsError,
  UserInputError,
  UserLockedError,
  UserNotFoundError,
  type LoginError,
} from "./errors.js";
import { InviteStore, type InviteKind } from "./invites.js";
import { passwordKey, userKey } from "./keys.js";
import { DEFAULT_LOCKOUT, lockedUntil, type LockoutPolicy } from "./lockout.js";
import { checkPasswordPolicy, hashPassword, verifyPassword } from "./password.js";
import { parseItem, readUsers, userToJson, type User } from "./records.js";
import { addUserRequest, problemsOf, storedPassword, storedUser, userName } from "./schema.js";

export type UserLoginEvent = AuditEventOf<"user.login">;

/** What add() needs of the roles: whether one exists (RoleService fits). */
export interface RoleLookup {
  get(name: string): Promise<object | undefined>;
}

export interface UserServiceOptions {
  /** cluster_name of the events. */
  clusterName: string;
  /** The audit sink: every login attempt goes here. */
  events: (event: UserLoginEvent) => void;
  now?: () => Date;
  lockout?: LockoutPolicy;
  /** When given, add() refuses roles that do not exist. */
  roles?: RoleLookup;
  /** How long invite links work, in milliseconds; 1 hour by default. */
  inviteTtl?: number;
  /** How long an expired invite is kept to say "expired"; 1 day by default. */
  inviteGrace?: number;
  /** Makes event uids; random by default. */
  uid?: () => string;
}

export interface AddUserRequest {
  name: string;
  roles: readonly string[];
  logins?: readonly string[];
}

/** A user with an invite link to set their password. The token is shown once, never stored. */
export interface InviteResult {
  user: User;
  kind: InviteKind;
  inviteToken: string;
  expires: Date;
  /** Milliseconds the link is valid. */
  ttl: number;
}

export type LoginResult = { ok: true; user: User } | { ok: false; error: LoginError };

const HOUR = 60 * 60 * 1000;

export class UserService {
  readonly #backend: Backend;
  readonly #options: UserServiceOptions;
  readonly #now: () => Date;
  readonly #lockout: LockoutPolicy;
  readonly #inviteTtl: number;
  readonly #attempts: AttemptStore;
  readonly #invites: InviteStore;

  constructor(backend: Backend, options: UserServiceOptions) {
    this.#backend = backend;
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.#lockout = options.lockout ?? DEFAULT_LOCKOUT;
    this.#inviteTtl = options.inviteTtl ?? HOUR;
    this.#attempts = new AttemptStore(backend, this.#lockout);
    this.#invites = new InviteStore(backend, options.inviteGrace ?? 24 * HOUR);
  }

  /** Creates a user without a password, and an invite link to set one. */
  async add(request: AddUserRequest): Promise<InviteResult> {
    const parsed = addUserRequest.safeParse(request);
    if (!parsed.success) throw new UserInputError(problemsOf(parsed.error));
    const { name, roles, logins } = parsed.data;
    await this.#checkRolesExist(roles);

    const user: User = { name, roles, traits: { logins }, created: this.#now() };
    try {
      await this.#backend.create(userKey(name), userToJson(user));
    } catch (error) {
      if (error instanceof AlreadyExistsError) throw new UserExistsError(name);
      throw error;
    }
    try {
      return await this.#invite(user, "signup");
    } catch (error) {
      // A user nobody can log in as, and who cannot be re-added, helps no one: undo.
      await this.#backend.delete(userKey(name));
      throw error;
    }
  }

  /** Sets the password of the invite's user; the invite then stops working. */
  async completeInvite(token: string, password: string): Promise<User> {
    const found = await this.#invites.find(token);
    if (found === undefined) throw new InviteNotFoundError();
    const { invite, item } = found;
    if (this.#now().getTime() >= invite.expires.getTime()) {
      throw new InviteExpiredError(invite.user, invite.expires);
    }
    const user = await this.get(invite.user);
    if (user === undefined) {
      await this.#invites.take(item);
      throw new InviteNotFoundError();
    }
    // Policy and hashing first: a refused password must not use the invite up.
    checkPasswordPolicy(password);
    const hash = await hashPassword(password);
    if (!(await this.#invites.take(item))) throw new InviteNotFoundError();
    await this.#backend.put(passwordKey(user.name), JSON.stringify({ hash }));
    await this.#attempts.clear(user.name);
    return user;
  }

  /** Clears the password, unlocks, and makes a new invite link (older links stop working). */
  async reset(name: string): Promise<InviteResult> {
    const user = await this.#require(name);
    await this.#backend.delete(passwordKey(name));
    await this.#attempts.clear(name);
    await this.#invites.removeFor(name);
    return this.#invite(user, "reset");
  }

  async remove(name: string): Promise<void> {
    await this.#require(name);
    await this.#invites.removeFor(name);
    await this.#backend.delete(passwordKey(name));
    await this.#backend.delete(userKey(name));
    await this.#attempts.clear(name);
  }

  /** Every user, sorted by name. */
  async list(): Promise<User[]> {
    return readUsers(this.#backend);
  }

  async get(name: string): Promise<User | undefined> {
    if (!userName.safeParse(name).success) return undefined;
    const item = await this.#backend.get(userKey(name));
    return item === undefined ? undefined : parseItem(storedUser, item);
  }

  /**
   * A local password login. Emits user.login either way. Unknown users, users without a
   * password and wrong passwords fail alike, after the same scrypt work.
   */
  async checkPassword(
    name: string,
    password: string,
    context: { remoteAddr?: string } = {},
  ): Promise<LoginResult> {
    const now = this.#now();
    const user = await this.get(name);
    const hash = user === undefined ? undefined : await this.#storedHash(user.name);
    const state = user === undefined ? undefined : await this.#attempts.read(user.name);
    const locked = lockedUntil(state, now);
    // Always verify, locked or not, so that the time taken says nothing either.
    const matches = await verifyPassword(password, hash);

    let result: LoginResult;
    if (user === undefined) {
      result = { ok: false, error: new InvalidCredentialsError() };
    } else if (locked !== undefined) {
      result = { ok: false, error: new UserLockedError(user.name, locked) };
    } else if (matches) {
      await this.#attempts.clear(user.name);
      result = { ok: true, user };
    } else {
      const after = await this.#attempts.recordFailure(user.name, now);
      const error =
        after.lockedUntil === undefined
          ? new InvalidCredentialsError()
          : new UserLockedError(user.name, after.lockedUntil);
      result = { ok: false, error };
    }
    this.#emitLogin(typeof name === "string" ? name : "", result, context.remoteAddr, now);
    return result;
  }

  async #invite(user: User, kind: InviteKind): Promise<InviteResult> {
    const created = this.#now();
    const expires = new Date(created.getTime() + this.#inviteTtl);
    const inviteToken = await this.#invites.create({ user: user.name, kind, created, expires });
    return { user, kind, inviteToken, expires, ttl: this.#inviteTtl };
  }

  async #require(name: string): Promise<User> {
    const user = await this.get(name);
    if (user === undefined) throw new UserNotFoundError(name);
    return user;
  }

  async #storedHash(name: string): Promise<string | undefined> {
    const item = await this.#backend.get(passwordKey(name));
    return item === undefined ? undefined : parseItem(storedPassword, item).hash;
  }

  async #checkRolesExist(roles: readonly string[]): Promise<void> {
    const lookup = this.#options.roles;
    if (lookup === undefined) return;
    const missing: string[] = [];
    for (const role of roles) if ((await lookup.get(role)) === undefined) missing.push(role);
    if (missing.length > 0) throw new UnknownRoleError(missing);
  }

  #emitLogin(user: string, result: LoginResult, remoteAddr: string | undefined, now: Date): void {
    const event = createEvent(
      "user.login",
      {
        user,
        method: "local",
        success: result.ok,
        ...(result.ok ? {} : { error: result.error.message }),
        ...(remoteAddr === undefined ? {} : { "addr.remote": remoteAddr }),
      },
      {
        clusterName: this.#options.clusterName,
        now: () => now,
        ...(this.#options.uid === undefined ? {} : { uid: this.#options.uid }),
      },
    );
    this.#options.events(event);
  }
}
