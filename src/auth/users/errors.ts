// Typed errors of users. None carries a password, a hash, an invite token, a TOTP secret or code.

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
    readonly reason: "invalid-credentials" | "locked" | "otp-required" | "otp-not-enrolled",
    message: string,
  ) {
    super(message);
  }
}

/**
 * Same message for an unknown user and a wrong password (and, when a code was sent, a wrong
 * code): it must not tell them apart.
 */
export class InvalidCredentialsError extends LoginError {
  override name = "InvalidCredentialsError";

  constructor(withOtp = false) {
    super(
      "invalid-credentials",
      withOtp
        ? "invalid username, password or one-time password (each code works once: if you " +
            "just used it, wait for the next one)"
        : "invalid username or password",
    );
  }
}

/** A login or signup without the TOTP code it needs. */
export class OtpRequiredError extends LoginError {
  override name = "OtpRequiredError";

  constructor(why: "cluster" | "user" | "invite") {
    const messages = {
      cluster:
        "this cluster requires a one-time password (second_factor: otp): enter the code from " +
        "your authenticator app",
      user: "this user has an authenticator app enrolled: enter the code from it",
      invite:
        "this cluster requires a one-time password (second_factor: otp): add the invite's " +
        "secret to your authenticator app, then enter the code it shows",
    };
    super("otp-required", messages[why]);
  }
}

/** second_factor: otp, and a user who never enrolled (added while it was off). */
export class OtpNotEnrolledError extends LoginError {
  override name = "OtpNotEnrolledError";

  constructor(readonly user: string) {
    super(
      "otp-not-enrolled",
      `user ${JSON.stringify(user)} has no authenticator app enrolled and this cluster ` +
        `requires one (second_factor: otp): ask an admin to run tctl users reset ${user}, ` +
        "then enroll with the new invite link",
    );
  }
}

/** A wrong code when completing an invite (logins say InvalidCredentialsError instead). */
export class InvalidOtpError extends Error {
  override readonly name = "InvalidOtpError";

  constructor() {
    super(
      "invalid one-time password: enter the current code your authenticator app shows for " +
        "this invite's secret (the device's clock must be right)",
    );
  }
}

/** A code was sent for an invite that has no secret yet: it was never opened. */
export class InviteOtpSecretMissingError extends Error {
  override readonly name = "InviteOtpSecretMissingError";

  constructor() {
    super(
      "this invite has no one-time password secret yet: open the invite link first, add the " +
        "secret it shows to your authenticator app, then set the password with its code",
    );
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
