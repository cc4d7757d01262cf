// Typed errors of roles, each saying what to do.

/** A role document that cannot be used; `problems` has one "path: what is wrong" per issue. */
export class RoleValidationError extends Error {
  override readonly name = "RoleValidationError";

  constructor(readonly problems: readonly string[]) {
    super(`invalid role: ${problems.join("; ")}`);
  }
}

export class RoleNotFoundError extends Error {
  override readonly name = "RoleNotFoundError";

  constructor(readonly role: string) {
    super(`role ${JSON.stringify(role)} is not found: tctl get roles lists the roles there are`);
  }
}

/** Removing a role that users still hold would leave them with a dangling reference. */
export class RoleInUseError extends Error {
  override readonly name = "RoleInUseError";

  constructor(
    readonly role: string,
    readonly users: readonly string[],
  ) {
    super(
      `role ${JSON.stringify(role)} is still assigned to ${users.length === 1 ? "user" : "users"} ` +
        `${users.join(", ")}: give them other roles or remove them (tctl users rm NAME) first`,
    );
  }
}

/** A stored role record that does not have the shape we write. */
export class StoredRoleError extends Error {
  override readonly name = "StoredRoleError";

  constructor(
    readonly key: string,
    detail: string,
  ) {
    super(
      `the stored role ${key} is damaged (${detail}): recreate it with tctl create -f ROLE.yaml`,
    );
  }
}
