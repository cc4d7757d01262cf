// Roles in the backend under /roles/NAME, as the JSON of their document form.
import { AlreadyExistsError, type Backend, type Item } from "../../backend/index.js";
import { usersWithRole } from "../users/index.js";
import { roleDocument, toYaml } from "./document.js";
import {
  RoleInUseError,
  RoleNotFoundError,
  RoleValidationError,
  StoredRoleError,
} from "./errors.js";
import { parseRole, parseRoleYaml } from "./parse.js";
import { presetRoles } from "./presets.js";
import { ROLE_NAME } from "./schema.js";
import type { Role } from "./types.js";

export const ROLES_PREFIX = "/roles/";

const roleKey = (name: string): string => `${ROLES_PREFIX}${name}`;

export class RoleService {
  readonly #backend: Backend;

  constructor(backend: Backend) {
    this.#backend = backend;
  }

  /**
   * Creates the preset roles that are missing; never overwrites one an admin changed. Run at
   * every start, so a removed preset comes back, as in Teleport. Returns the names created.
   */
  async ensurePresets(): Promise<string[]> {
    const created: string[] = [];
    for (const role of presetRoles()) {
      const key = roleKey(role.metadata.name);
      if ((await this.#backend.get(key)) !== undefined) continue;
      try {
        await this.#backend.create(key, JSON.stringify(roleDocument(role)));
        created.push(role.metadata.name);
      } catch (error) {
        // Another auth server made it first: just as good.
        if (!(error instanceof AlreadyExistsError)) throw error;
      }
    }
    return created;
  }

  /** Creates or replaces the role written in `text` (tctl create -f). */
  async upsertFromYaml(text: string): Promise<Role> {
    return this.#store(parseRoleYaml(text));
  }

  /** Creates or replaces a role given as plain data (an API body). */
  async upsert(document: unknown): Promise<Role> {
    return this.#store(parseRole(document));
  }

  async get(name: string): Promise<Role | undefined> {
    if (!ROLE_NAME.test(name)) return undefined;
    const item = await this.#backend.get(roleKey(name));
    return item === undefined ? undefined : this.#parse(item);
  }

  /** Every role, sorted by name. */
  async list(): Promise<Role[]> {
    const items = await this.#backend.getRange(ROLES_PREFIX);
    return items.map((item) => this.#parse(item));
  }

  /** Removes a role no user holds; RoleInUseError names the users that still do. */
  async remove(name: string): Promise<void> {
    if ((await this.get(name)) === undefined) throw new RoleNotFoundError(name);
    const holders = await usersWithRole(this.#backend, name);
    if (holders.length > 0) throw new RoleInUseError(name, holders);
    if (!(await this.#backend.delete(roleKey(name)))) throw new RoleNotFoundError(name);
  }

  toYaml(role: Role): string {
    return toYaml(role);
  }

  async #store(role: Role): Promise<Role> {
    await this.#backend.put(roleKey(role.metadata.name), JSON.stringify(roleDocument(role)));
    return role;
  }

  #parse(item: Item): Role {
    let json: unknown;
    try {
      json = JSON.parse(item.value);
    } catch {
      throw new StoredRoleError(item.key, "not JSON");
    }
    try {
      return parseRole(json);
    } catch (error) {
      if (error instanceof RoleValidationError) {
        throw new StoredRoleError(item.key, error.problems.join("; "));
      }
      throw error;
    }
  }
}
