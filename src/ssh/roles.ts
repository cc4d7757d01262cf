// The user's roles as the node sees them: names from the certificate's teleport-roles
// extension, definitions fetched from auth and cached briefly (a role edit applies within TTL).
import type { AuthClient } from "../auth/index.js";
import { parseRoleYaml, type Role } from "../auth/roles/index.js";
import type { SshCertificate } from "../auth/ca/index.js";

const TTL_MS = 30_000;

/** Role names in a user certificate; [] when the extension is missing or malformed. */
export function certificateRoles(certificate: SshCertificate): string[] {
  const raw = certificate.extensions["teleport-roles"];
  if (raw === undefined) return [];
  try {
    const parsed = JSON.parse(raw) as { roles?: unknown };
    return Array.isArray(parsed.roles)
      ? parsed.roles.filter((r): r is string => typeof r === "string")
      : [];
  } catch {
    return [];
  }
}

export class RoleCache {
  #roles = new Map<string, Role>();
  #fetched = 0;
  #pending: Promise<void> | undefined;

  constructor(
    private readonly client: AuthClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** The roles that exist among `names` (deleted roles grant nothing). */
  async resolve(names: readonly string[]): Promise<Role[]> {
    if (this.now() - this.#fetched > TTL_MS) {
      this.#pending ??= this.#refresh().finally(() => (this.#pending = undefined));
      await this.#pending;
    }
    return names.flatMap((name) => {
      const role = this.#roles.get(name);
      return role === undefined ? [] : [role];
    });
  }

  async #refresh(): Promise<void> {
    const entries = await this.client.listRoles();
    this.#roles = new Map(entries.map((entry) => [entry.name, parseRoleYaml(entry.yaml)]));
    this.#fetched = this.now();
  }
}
