// Every route of the auth API.
import type { Route } from "../http/router.js";
import type { RouteDeps } from "./context.js";
import { eventRoutes } from "./events.js";
import { joinRoutes } from "./join.js";
import { loginRoutes } from "./login.js";
import { nodeRoutes } from "./nodes.js";
import { recordingRoutes } from "./recordings.js";
import { roleRoutes } from "./roles.js";
import { statusRoutes } from "./status.js";
import { tokenRoutes } from "./tokens.js";
import { userRoutes } from "./users.js";

export type { RouteDeps } from "./context.js";

export function allRoutes(deps: RouteDeps): Route[] {
  return [
    ...joinRoutes(deps),
    ...nodeRoutes(deps),
    ...loginRoutes(deps),
    ...userRoutes(deps),
    ...roleRoutes(deps),
    ...tokenRoutes(deps),
    ...eventRoutes(deps),
    ...recordingRoutes(deps),
    ...statusRoutes(deps),
  ];
}
