// Roles as YAML documents (what tctl get / create show and read).
import { z } from "zod";

export const roleEntry = z.object({ name: z.string(), yaml: z.string() });
export type RoleEntry = z.output<typeof roleEntry>;

export const listRolesResponse = z.object({ roles: z.array(roleEntry) });

export const putRoleRequest = z.strictObject({
  /** One role document (kind: role). */
  yaml: z
    .string({ error: "expected the role as YAML text" })
    .min(1, { error: "the role YAML is empty" })
    .max(1_000_000, { error: "the role YAML is too long" }),
  /** false: refuse to replace an existing role (tctl create without -f). */
  overwrite: z.boolean({ error: "expected true or false" }).default(false),
});
export type PutRoleRequest = z.input<typeof putRoleRequest>;

export const putRoleResponse = z.object({ name: z.string(), created: z.boolean() });
