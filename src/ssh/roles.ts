// A user's roles as an SSH server (node or proxy) sees them: names from the certificate's
// teleport-roles extension (written by auth when it issued the certificate), definitions read
// from auth and cached briefly, so a role edit applies within the TTL without a request per login.
import { z } from "zod";
import type { SshCertificate } from "../auth/ca/index.js";
import type { AuthClient } from "../auth/index.js";
import { parseRoleYaml, type Role } from "../auth/roles/index.js";

const rolesExtension = z.object({ roles: z.array(z.string()) });

/** Role names in a user certificate; [] when the extension is missing or malformed. */
export function certificateRoles(certificate: SshCertificate): string[] {
  const raw = certificate.extensions["teleport-roles"];
  if (raw === undefined) return [];
  try {
    const parsed = rolesExtension.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data.roles : [];
  } catch {
    return [];
  }
}

export class RoleCache {
  #roles = new Map<string, Role>();
  #fetched = Number.NEGATIVE_INFINITY;
  #pending: Promise<void> | undefined;

  constructor(
    private readonly auth: Pick<AuthClient, "listRoles">,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The roles that exist among `names` (a deleted role grants nothing). */
  async resolve(names: readonly string[]): Promise<Role[]> {
    if (this.now() - this.#fetched > this.ttlMs) {
      this.#pending ??= this.#refresh().finally(() => (this.#pending = undefined));
      await this.#pending;
    }
    return names.flatMap((name) => {
      const role = this.#roles.get(name);
      return role === undefined ? [] : [role];
    });
  }

  async #refresh(): Promise<void> {
    const entries = await this.auth.listRoles();
    this.#roles = new Map(entries.map((entry) => [entry.name, parseRoleYaml(entry.yaml)]));
    this.#fetched = this.now();
  }
}
