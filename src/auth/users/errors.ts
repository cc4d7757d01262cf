// Typed errors of users. None carries a password, a hash or an invite token.

export class UserInputError extends Error {
  override readonly name = "UserInputError";

  constructor(readonly problems: readonly string[]) {
    super(`invalid user: ${problems.join("; ")}`);
  }
}

export class UserExistsError extends Error {
  override readonly name = "UserExistsError";

  constructor(readonly user: string) {
    super(
      `user ${JSON.stringify(user)} already exists: run tctl users reset ${user} to give them ` +
        "a new invite, or pick another name",
    );
  }
}

export class UserNotFoundError extends Error {
  override readonly name = "UserNotFoundError";

  constructor(readonly user: string) {
    super(`user ${JSON.stringify(user)} is not found: tctl users ls lists the users`);
  }
}

export class UnknownRoleError extends Error {
  override readonly name = "UnknownRoleError";

  constructor(readonly roles: readonly string[]) {
    const list = roles.map((role) => JSON.stringify(role)).join(", ");
    super(
      `${roles.length === 1 ? "role" : "roles"} ${list} ${roles.length === 1 ? "is" : "are"} ` +
        "not found: tctl get roles lists the roles there are, tctl create -f makes one",
    );
  }
}

/** The invite link is unknown: used already, mistyped, or its user was removed. */
export class InviteNotFoundError extends Error {
  override readonly name = "InviteNotFoundError";

  constructor() {
    super(
      "invite not found: it was already used, or the link is incomplete; " +
        "ask an admin for a new one (tctl users reset NAME)",
    );
  }
}

export class InviteExpiredError extends Error {
  override readonly name = "InviteExpiredError";

  constructor(
    readonly user: string,
    readonly expired: Date,
  ) {
    super(`invite expired: ask an admin to run tctl users reset ${user}`);
  }
}

export class PasswordPolicyError extends Error {
  override readonly name = "PasswordPolicyError";
}

/** Base of login failures; they are returned by checkPassword, and may be thrown by callers. */
export class LoginError extends Error {
  override name = "LoginError";

  constructor(
    readonly reason: "invalid-credentials" | "locked",
    message: string,
  ) {
    super(message);
  }
}

/** Same message for an unknown user and a wrong password: it must not tell them apart. */
export class InvalidCredentialsError extends LoginError {
  override name = "InvalidCredentialsError";

  constructor() {
    super("invalid-credentials", "invalid username or password");
  }
}

export class UserLockedError extends LoginError {
  override name = "UserLockedError";

  constructor(
    readonly user: string,
    readonly lockedUntil: Date,
  ) {
    super(
      "locked",
      `user locked until ${lockedUntil.toISOString().replace(/\.\d{3}Z$/, "Z")}: too many ` +
        `failed login attempts; try again then, or ask an admin to run tctl users reset ${user}`,
    );
  }
}

/** A stored record that does not have the shape we write. */
export class StoredUserError extends Error {
  override readonly name = "StoredUserError";

  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(
      `the stored record ${key} is damaged (${detail}): remove it from the backend, ` +
        "then recreate the user (tctl users add) or reset them (tctl users reset)",
    );
  }
}
