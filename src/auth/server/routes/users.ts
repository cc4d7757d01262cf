// Users: tctl users add | ls | rm | reset.
import type { z } from "zod";
import {
  addUserRequest,
  isSystemRoleName,
  ROUTES,
  type inviteResponse,
  type userRecord,
} from "../../api/index.js";
import type { InviteResult, User } from "../../users/index.js";
import { rule } from "../authz.js";
import { badRequest } from "../errors.js";
import { parseJsonBody } from "../http/body.js";
import type { Route } from "../http/router.js";
import type { RouteDeps } from "./context.js";

export function userToWire(user: User): z.input<typeof userRecord> {
  return { ...user, created: user.created.toISOString() };
}

function inviteToWire(invite: InviteResult): z.input<typeof inviteResponse> {
  return {
    user: userToWire(invite.user),
    kind: invite.kind,
    inviteToken: invite.inviteToken,
    expires: invite.expires.toISOString(),
    ttl: invite.ttl,
  };
}

export function userRoutes({ state }: RouteDeps): Route[] {
  return [
    {
      spec: ROUTES.addUser,
      access: rule("user", "create"),
      async handle({ req }) {
        const body = await parseJsonBody(req, addUserRequest);
        const reserved = body.roles.filter(isSystemRoleName);
        if (reserved.length > 0) {
          throw badRequest(
            `field "roles": ${reserved.join(", ")} is reserved for cluster components: ` +
              "give users roles such as access, editor or auditor",
          );
        }
        return inviteToWire(await state.users.add(body));
      },
    },
    {
      spec: ROUTES.listUsers,
      access: rule("user", "list"),
      async handle() {
        return { users: (await state.users.list()).map(userToWire) };
      },
    },
    {
      spec: ROUTES.removeUser,
      access: rule("user", "delete"),
      async handle({ params }) {
        await state.users.remove(params["name"] ?? "");
        return {};
      },
    },
    {
      spec: ROUTES.resetUser,
      access: rule("user", "update"),
      async handle({ params }) {
        return inviteToWire(await state.users.reset(params["name"] ?? ""));
      },
    },
  ];
}
