// Roles as YAML: tctl get roles | get role/NAME | create [-f] | rm role/NAME. Nodes and proxies
// may read roles: they decide logins and node access from them.
import { isSystemRoleName, putRoleRequest, ROUTES } from "../../api/index.js";
import { parseRoleYaml, RoleNotFoundError, type Role } from "../../roles/index.js";
import { authenticated, rule } from "../authz.js";
import { badRequest, conflict } from "../errors.js";
import { parseJsonBody } from "../http/body.js";
import type { Route } from "../http/router.js";
import { routeName, type RouteDeps } from "./context.js";

export function roleRoutes({ state }: RouteDeps): Route[] {
  const entry = (role: Role) => ({ name: role.metadata.name, yaml: state.roles.toYaml(role) });
  return [
    {
      spec: ROUTES.listRoles,
      access: rule("role", "list", "Node", "Proxy"),
      async handle() {
        return { roles: (await state.roles.list()).map(entry) };
      },
    },
    {
      spec: ROUTES.getRole,
      access: rule("role", "read", "Node", "Proxy"),
      async handle({ params }) {
        const name = params["name"] ?? "";
        const role = await state.roles.get(name);
        if (role === undefined) throw new RoleNotFoundError(name);
        return entry(role);
      },
    },
    {
      spec: ROUTES.putRole,
      // Whether this creates or updates decides the rule, so it is checked in the handler.
      access: authenticated,
      async handle({ req, caller }) {
        const body = await parseJsonBody(req, putRoleRequest);
        const role = parseRoleYaml(body.yaml);
        const name = role.metadata.name;
        if (isSystemRoleName(name)) {
          throw badRequest(
            `role name "${name}" is reserved for cluster components: choose another`,
          );
        }
        const existing = await state.roles.get(name);
        await rule("role", existing === undefined ? "create" : "update")(
          caller,
          routeName(ROUTES.putRole),
        );
        if (existing !== undefined && !body.overwrite) {
          throw conflict(`role "${name}" already exists: use tctl create -f to replace it`);
        }
        await state.roles.upsertFromYaml(body.yaml);
        return { name, created: existing === undefined };
      },
    },
    {
      spec: ROUTES.removeRole,
      access: rule("role", "delete"),
      async handle({ params }) {
        await state.roles.remove(params["name"] ?? "");
        return {};
      },
    },
  ];
}
