// GET /v1/status: tctl status, and a cheap "is my identity good" check for any client.
import type { z } from "zod";
import { ROUTES, type statusResponse } from "../../api/index.js";
import { TELEPORT_COMPATIBLE_VERSION, VERSION } from "../../../version.js";
import { authenticated } from "../authz.js";
import type { Route } from "../http/router.js";
import type { RouteDeps } from "./context.js";

export function statusRoutes({ state }: RouteDeps): Route[] {
  return [
    {
      spec: ROUTES.status,
      access: authenticated,
      async handle({ caller }) {
        const identity = caller.require();
        const response: z.input<typeof statusResponse> = {
          clusterName: state.clusterName,
          version: TELEPORT_COMPATIBLE_VERSION,
          serverVersion: VERSION,
          caPin: state.caPin,
          identity:
            identity.kind === "user"
              ? { name: identity.name, kind: "user", roles: identity.roleNames }
              : { name: identity.name, kind: "builtin", roles: [identity.role] },
        };
        return response;
      },
    },
  ];
}
