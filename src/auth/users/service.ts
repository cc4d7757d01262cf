// Local users: tctl users add|reset|rm|ls, invites, and password logins with lockout and an
// optional TOTP second factor.
import { AlreadyExistsError, type Backend, type Item } from "../../backend/index.js";
import type { SecondFactor } from "../../config/index.js";
import { createEvent, type AuditEventOf } from "../../events/index.js";
import { AttemptStore } from "./attempts.js";
import {
  InvalidCredentialsError,
  InvalidOtpError,
  InviteExpiredError,
  InviteNotFoundError,
  InviteOtpSecretMissingError,
  OtpNotEnrolledError,
  OtpRequiredError,
  UnknownRoleError,
  UserExistsError,
  UserInputError,
  UserLockedError,
  UserNotFoundError,
  type LoginError,
} from "./errors.js";
import { InviteStore, type Invite, type InviteKind } from "./invites.js";
import { passwordKey, userKey } from "./keys.js";
import { DEFAULT_LOCKOUT, lockedUntil, type LockoutPolicy } from "./lockout.js";
import { OtpStore } from "./otp-store.js";
import { checkPasswordPolicy, hashPassword, verifyPassword } from "./password.js";
import { parseItem, readUsers, userToJson, type User } from "./records.js";
import { generateTotpSecret, matchTotp, totpUri } from "./totp.js";
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
  /** auth_service.authentication.second_factor; off by default. */
  secondFactor?: SecondFactor;
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

/** What the invitee sees before setting a password: whom it is for, and what to enroll. */
export interface InviteInfo {
  user: string;
  kind: InviteKind;
  expires: Date;
  /** Completing it needs a code for otpSecret (second_factor: otp). */
  otpRequired: boolean;
  /** Base32, with second_factor otp or optional. */
  otpSecret?: string;
  otpUri?: string;
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
  readonly #otp: OtpStore;
  readonly #secondFactor: SecondFactor;

  constructor(backend: Backend, options: UserServiceOptions) {
    this.#backend = backend;
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.#lockout = options.lockout ?? DEFAULT_LOCKOUT;
    this.#inviteTtl = options.inviteTtl ?? HOUR;
    this.#attempts = new AttemptStore(backend, this.#lockout);
    this.#invites = new InviteStore(backend, options.inviteGrace ?? 24 * HOUR);
    this.#otp = new OtpStore(backend);
    this.#secondFactor = options.secondFactor ?? "off";
  }

  get secondFactor(): SecondFactor {
    return this.#secondFactor;
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

  /**
   * The invite of `token`. With second_factor otp or optional, the first read makes the TOTP
   * secret the user enrolls; later reads show the same one.
   */
  async getInvite(token: string): Promise<InviteInfo> {
    const opened = await this.#openInvite(token);
    let invite = opened.invite;
    if (this.#secondFactor !== "off" && invite.otpSecret === undefined) {
      const secret = generateTotpSecret();
      if (await this.#invites.attachOtpSecret(opened.item, invite, secret)) {
        invite = { ...invite, otpSecret: secret };
      } else {
        // Another read attached one first (or the invite was used): show what is stored now.
        invite = (await this.#openInvite(token)).invite;
      }
    }
    const secret = this.#secondFactor === "off" ? undefined : invite.otpSecret;
    return {
      user: invite.user,
      kind: invite.kind,
      expires: invite.expires,
      otpRequired: this.#secondFactor === "otp",
      ...(secret === undefined
        ? {}
        : { otpSecret: secret, otpUri: totpUri(secret, this.#options.clusterName, invite.user) }),
    };
  }

  /**
   * Sets the password of the invite's user, and enrolls the invite's TOTP secret when a code for
   * it is given (required with second_factor: otp); the invite then stops working.
   */
  async completeInvite(token: string, password: string, otpToken?: string): Promise<User> {
    const { invite, item, user } = await this.#openInvite(token);
    // Policy, code and hashing first: a refused attempt must not use the invite up.
    checkPasswordPolicy(password);
    const secret = this.#enrollingSecret(invite, otpToken);
    const hash = await hashPassword(password);
    if (!(await this.#invites.take(item))) throw new InviteNotFoundError();
    await this.#backend.put(passwordKey(user.name), JSON.stringify({ hash }));
    await this.#otp.remove(user.name);
    if (secret !== undefined && otpToken !== undefined) {
      await this.#otp.setSecret(user.name, secret);
      // The code just typed must not also open a login.
      await this.#otp.accept(user.name, secret, otpToken, this.#now());
    }
    await this.#attempts.clear(user.name);
    return user;
  }

  /** Clears the password, unlocks, and makes a new invite link (older links stop working). */
  async reset(name: string): Promise<InviteResult> {
    const user = await this.#require(name);
    await this.#backend.delete(passwordKey(name));
    // The new invite enrolls a new authenticator: the old one may be what was lost.
    await this.#otp.remove(name);
    await this.#attempts.clear(name);
    await this.#invites.removeFor(name);
    return this.#invite(user, "reset");
  }

  async remove(name: string): Promise<void> {
    await this.#require(name);
    await this.#invites.removeFor(name);
    await this.#backend.delete(passwordKey(name));
    await this.#otp.remove(name);
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
   * A local login: the password, and the TOTP code when the second factor asks for one. Emits
   * user.login either way. Unknown users, users without a password, wrong passwords and wrong
   * codes fail alike, after the same scrypt work; wrong passwords and codes count to the lock.
   */
  async checkPassword(
    name: string,
    password: string,
    context: { remoteAddr?: string; otpToken?: string } = {},
  ): Promise<LoginResult> {
    const now = this.#now();
    const mode = this.#secondFactor;
    const { otpToken } = context;
    const user = await this.get(name);
    const hash = user === undefined ? undefined : await this.#storedHash(user.name);
    const state = user === undefined ? undefined : await this.#attempts.read(user.name);
    const secret =
      user === undefined || mode === "off" ? undefined : await this.#otp.secret(user.name);
    const locked = lockedUntil(state, now);
    // Always verify, locked or not, so that the time taken says nothing either.
    const matches = await verifyPassword(password, hash);
    // Whether a code was asked for must not depend on the user, or it would tell who enrolled.
    const withOtp = mode !== "off" && otpToken !== undefined;
    const fail = async (failed: User): Promise<LoginResult> => {
      const after = await this.#attempts.recordFailure(failed.name, now);
      const error =
        after.lockedUntil === undefined
          ? new InvalidCredentialsError(withOtp)
          : new UserLockedError(failed.name, after.lockedUntil);
      return { ok: false, error };
    };
    const needsOtp = mode === "otp" || (mode === "optional" && secret !== undefined);

    let result: LoginResult;
    if (mode === "otp" && otpToken === undefined) {
      // The whole cluster asks for a code, so saying so first tells nothing about the user.
      result = { ok: false, error: new OtpRequiredError("cluster") };
    } else if (user === undefined) {
      result = { ok: false, error: new InvalidCredentialsError(withOtp) };
    } else if (locked !== undefined) {
      result = { ok: false, error: new UserLockedError(user.name, locked) };
    } else if (!matches) {
      result = await fail(user);
    } else if (!needsOtp) {
      await this.#attempts.clear(user.name);
      result = { ok: true, user };
    } else if (otpToken === undefined) {
      result = { ok: false, error: new OtpRequiredError("user") };
    } else if (secret === undefined) {
      result = { ok: false, error: new OtpNotEnrolledError(user.name) };
    } else if (await this.#otp.accept(user.name, secret, otpToken, now)) {
      await this.#attempts.clear(user.name);
      result = { ok: true, user };
    } else {
      result = await fail(user);
    }
    this.#emitLogin(typeof name === "string" ? name : "", result, context.remoteAddr, now);
    return result;
  }

  /** The invite of `token` that can still be used, with its user. */
  async #openInvite(token: string): Promise<{ invite: Invite; item: Item; user: User }> {
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
    return { invite, item, user };
  }

  /** The secret completing `invite` enrolls (checked against `otpToken`), or undefined for none. */
  #enrollingSecret(invite: Invite, otpToken: string | undefined): string | undefined {
    const mode = this.#secondFactor;
    if (mode === "off") return undefined;
    if (otpToken === undefined) {
      if (mode === "otp") throw new OtpRequiredError("invite");
      return undefined;
    }
    if (invite.otpSecret === undefined) throw new InviteOtpSecretMissingError();
    if (matchTotp(invite.otpSecret, otpToken, this.#now()) === undefined) {
      throw new InvalidOtpError();
    }
    return invite.otpSecret;
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
