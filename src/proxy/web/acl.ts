// What the web UI may offer a user, from their roles: the audit log, every recording or only
// their own, nodes. Only a guide for the UI: auth checks every call itself with the user's
// certificate, so an out-of-date answer here hides or shows a page, never data.
import { allows, sessionScope, type SessionScope } from "../../auth/roles/index.js";
import type { RoleCache } from "../../ssh/index.js";
import type { WebSession } from "./sessions.js";

export interface WebAcl {
  /** May list and search the audit log. */
  events: boolean;
  recordings: SessionScope;
  /** Always: auth lists only the nodes the user's roles allow. */
  nodes: boolean;
}

export async function aclOf(
  roles: RoleCache,
  session: Pick<WebSession, "roles" | "logins">,
): Promise<WebAcl> {
  const resolved = await roles.resolve(session.roles);
  return {
    events: allows(resolved, "event", "list"),
    recordings: sessionScope(resolved, "list", session.logins),
    nodes: true,
  };
}
