// Typed errors of join tokens. Messages never repeat a token: they end up in logs.

/** Base class: a join token that cannot be used, with why as `reason`. */
export class JoinTokenError extends Error {
  override name = "JoinTokenError";

  constructor(
    readonly reason: "unknown" | "expired" | "revoked" | "used" | "wrong-role",
    message: string,
  ) {
    super(message);
  }
}

export class TokenNotFoundError extends JoinTokenError {
  override name = "TokenNotFoundError";

  constructor() {
    super(
      "unknown",
      "the join token is not known to this cluster: check that it was copied whole, " +
        "or make a new one with tctl nodes add",
    );
  }
}

export class TokenExpiredError extends JoinTokenError {
  override name = "TokenExpiredError";

  constructor(readonly expired: Date) {
    super("expired", "the join token has expired: make a new one with tctl nodes add");
  }
}

export class TokenRevokedError extends JoinTokenError {
  override name = "TokenRevokedError";

  constructor() {
    super(
      "revoked",
      "the join token was revoked with tctl tokens rm: make a new one with tctl nodes add",
    );
  }
}

export class TokenUsedError extends JoinTokenError {
  override name = "TokenUsedError";

  constructor() {
    super("used", "the join token was already used: make a new one with tctl nodes add");
  }
}

export class TokenRoleError extends JoinTokenError {
  override name = "TokenRoleError";

  constructor(
    readonly role: string,
    readonly allowed: readonly string[],
  ) {
    super("wrong-role", `token is not valid for role ${role}: it allows ${allowed.join(", ")}`);
  }
}

/** tctl tokens rm of a token that is not there (never was, expired, or already removed). */
export class TokenRemoveError extends Error {
  override name = "TokenRemoveError";

  constructor() {
    super(
      "token not found: it may have expired or been removed already; " +
        "tctl tokens ls lists the tokens in use",
    );
  }
}

/** tctl tokens rm of a static token: only teleport.yaml can take it away. */
export class StaticTokenError extends Error {
  override name = "StaticTokenError";

  constructor() {
    super(
      "this token comes from auth_service.tokens in teleport.yaml and cannot be removed with " +
        "tctl: remove it from that file and restart the auth service",
    );
  }
}

/** tctl tokens add --token=VALUE where VALUE is already a token. */
export class TokenExistsError extends Error {
  override name = "TokenExistsError";

  constructor() {
    super(
      "a token with this value already exists: choose another value, or leave --token out " +
        "to get a random one",
    );
  }
}

/** Arguments that fail validation: each problem names the field. */
export class TokenInputError extends Error {
  override name = "TokenInputError";

  constructor(readonly problems: readonly string[]) {
    super(`invalid token request: ${problems.join("; ")}`);
  }
}

/** A stored token record that does not have the shape we write. */
export class StoredTokenError extends Error {
  override name = "StoredTokenError";

  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(
      `the stored token record ${key} is damaged (${detail}): remove it from the backend ` +
        "and make a new token with tctl nodes add",
    );
  }
}
