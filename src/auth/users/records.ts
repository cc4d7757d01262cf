// Reading records back from the backend: JSON, checked against the shape we write.
import type { z } from "zod";
import type { Backend, Item } from "../../backend/index.js";
import { StoredUserError } from "./errors.js";
import { problemsOf, storedUser } from "./schema.js";
import { USERS_PREFIX } from "./keys.js";

/** A user: name, roles, and traits ("logins" → the Unix logins {{internal.logins}} gives). */
export interface User {
  name: string;
  roles: string[];
  traits: Record<string, string[]>;
  created: Date;
}

export function parseItem<S extends z.ZodType>(schema: S, item: Item): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(item.value);
  } catch {
    throw new StoredUserError(item.key, "not JSON");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new StoredUserError(item.key, problemsOf(parsed.error).join("; "));
  return parsed.data;
}

export function userToJson(user: User): string {
  return JSON.stringify({ ...user, created: user.created.toISOString() });
}

export async function readUsers(backend: Backend): Promise<User[]> {
  const items = await backend.getRange(USERS_PREFIX);
  return items.map((item) => parseItem(storedUser, item));
}

/** Names of the users that hold `role`, sorted: RoleService refuses to remove such a role. */
export async function usersWithRole(backend: Backend, role: string): Promise<string[]> {
  return (await readUsers(backend)).filter((user) => user.roles.includes(role)).map((u) => u.name);
}
