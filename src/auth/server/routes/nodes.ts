// Heartbeats (nodes) and the inventory (admins, proxies, and users, who see the nodes their
// roles give access to unless a rule lets them list every node).
import { heartbeatRequest, ROUTES } from "../../api/index.js";
import { canAccessNode } from "../../roles/index.js";
import { authenticated, builtin } from "../authz.js";
import { accessDenied } from "../errors.js";
import { parseJsonBody } from "../http/body.js";
import type { Route } from "../http/router.js";
import { nodeToWire } from "../inventory.js";
import type { RouteDeps } from "./context.js";

export function nodeRoutes({ inventory, sessionRecording }: RouteDeps): Route[] {
  return [
    {
      spec: ROUTES.heartbeat,
      access: builtin("Node"),
      async handle({ req, caller }) {
        const body = await parseJsonBody(req, heartbeatRequest);
        const record = await inventory.announce(caller.require().name, {
          hostname: body.name,
          addr: body.addr,
          labels: body.labels,
          version: body.version,
        });
        // The answer carries the cluster's recording mode: a node records its sessions by it.
        return { expires: record.expires, sessionRecording };
      },
    },
    {
      spec: ROUTES.listNodes,
      access: authenticated,
      async handle({ caller }) {
        const identity = caller.require();
        const nodes = await inventory.list();
        if (caller.isBuiltin("Admin", "Proxy") || (await caller.can("node", "list"))) {
          return { nodes: nodes.map(nodeToWire) };
        }
        if (identity.kind === "builtin") {
          throw accessDenied(`access denied: the ${identity.role} identity may not list nodes`);
        }
        const roles = await caller.roles();
        const visible = nodes.filter((node) => canAccessNode(roles, node.labels));
        return { nodes: visible.map(nodeToWire) };
      },
    },
  ];
}
