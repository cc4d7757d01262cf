// Per-route authorization. A route names who may call it; user identities are checked against
// their roles' rules (deny wins), with the roles read from the backend at each request so that
// a role's change applies at once to certificates already issued.
import type { SystemRole } from "../api/index.js";
import { allows, type Role, type RoleService } from "../roles/index.js";
import { accessDenied, unauthenticated } from "./errors.js";
import type { Identity } from "./peer.js";

/** The caller of one request, with its roles resolved on first use. */
export class Caller {
  #roles: Promise<Role[]> | undefined;

  constructor(
    readonly identity: Identity | undefined,
    private readonly roleService: RoleService,
  ) {}

  /** The identity, or 401 when the client sent no certificate. */
  require(): Identity {
    if (this.identity === undefined) {
      throw unauthenticated(
        "a client certificate is required: use an identity issued by this cluster " +
          "(tctl uses <data_dir>/admin.identity on the auth server, or -i FILE elsewhere)",
      );
    }
    return this.identity;
  }

  /** The user's roles that exist (deleted ones give nothing); [] for builtin identities. */
  roles(): Promise<Role[]> {
    this.#roles ??= this.#resolve();
    return this.#roles;
  }

  async #resolve(): Promise<Role[]> {
    const identity = this.identity;
    if (identity?.kind !== "user") return [];
    const found = await Promise.all(identity.roleNames.map((name) => this.roleService.get(name)));
    return found.filter((role): role is Role => role !== undefined);
  }

  isBuiltin(...roles: SystemRole[]): boolean {
    const identity = this.identity;
    return identity?.kind === "builtin" && roles.includes(identity.role);
  }

  /** Admin may do everything; a user when their roles allow `verb` on `resource`. */
  async can(resource: string, verb: string): Promise<boolean> {
    const identity = this.require();
    if (identity.kind === "builtin") return identity.role === "Admin";
    return allows(await this.roles(), resource, verb);
  }
}

/** Throws 401/403 unless the caller may go on. */
export type Access = (caller: Caller, route: string) => Promise<void>;

/** Only /v1/join: the token in the body is the credential. */
export const anyone: Access = async () => undefined;

export const authenticated: Access = async (caller) => {
  caller.require();
};

function denied(identity: Identity, route: string, why: string): Error {
  const who =
    identity.kind === "user" ? `user "${identity.name}"` : `the ${identity.role} identity`;
  return accessDenied(`access denied: ${who} may not call ${route}: ${why}`);
}

/** Only these system identities (e.g. a node for heartbeats). */
export function builtin(...roles: SystemRole[]): Access {
  return async (caller, route) => {
    const identity = caller.require();
    if (!caller.isBuiltin(...roles)) {
      throw denied(identity, route, `only ${roles.join(" or ")} identities may`);
    }
  };
}

/** Admin, the listed system identities, and users whose roles allow `verb` on `resource`. */
export function rule(resource: string, verb: string, ...builtins: SystemRole[]): Access {
  return async (caller, route) => {
    const identity = caller.require();
    if (caller.isBuiltin("Admin", ...builtins)) return;
    if (identity.kind === "user" && (await caller.can(resource, verb))) return;
    throw denied(
      identity,
      route,
      identity.kind === "user"
        ? `their roles (${identity.roleNames.join(", ") || "none"}) do not allow ${verb} on ${resource}`
        : `it is for administrators`,
    );
  };
}
