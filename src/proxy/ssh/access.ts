// Opening a connection to the node a user asks for: the node must be registered, the user's
// roles must allow its labels, and its SSH port must answer. Each refusal is one sentence the
// user can act on; the login itself is the node's to check.
import type { Socket } from "node:net";
import type { NodeRecord } from "../../auth/index.js";
import { canAccessNode } from "../../auth/roles/index.js";
import type { NodeDirectory } from "./nodes.js";
import { dialNode } from "./relay.js";
import type { RoleCache } from "../../ssh/index.js";
import { resolveTarget, type TargetRequest } from "./target.js";

/** The user behind a proxy connection, from their certificate. */
export interface ProxyUser {
  name: string;
  roleNames: string[];
}

export type Opened =
  | { ok: true; node: NodeRecord; socket: Socket }
  | { ok: false; reason: "refused" | "unreachable"; message: string };

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

export class NodeAccess {
  constructor(
    private readonly nodes: NodeDirectory,
    private readonly roles: RoleCache,
    private readonly clusterName: string,
  ) {}

  async open(user: ProxyUser, request: TargetRequest): Promise<Opened> {
    let resolution;
    let roles;
    try {
      resolution = resolveTarget(await this.nodes.list(), request, this.clusterName);
      // A node that joined since the list was read is found on a fresh one.
      if (!resolution.ok && resolution.notFound) {
        resolution = resolveTarget(await this.nodes.refresh(), request, this.clusterName);
      }
      roles = await this.roles.resolve(user.roleNames);
    } catch (error) {
      return {
        ok: false,
        reason: "unreachable",
        message:
          "the proxy could not read the cluster's nodes and roles from the auth server " +
          `(${describe(error)}): try again, or ask an administrator to check the auth service`,
      };
    }
    if (!resolution.ok) return { ok: false, reason: "refused", message: resolution.message };
    const { node, addr } = resolution;
    if (!canAccessNode(roles, node.labels)) {
      return {
        ok: false,
        reason: "refused",
        message:
          `access denied: the roles of user "${user.name}" ` +
          `(${user.roleNames.join(", ") || "none"}) do not allow node "${node.hostname}"`,
      };
    }
    try {
      return { ok: true, node, socket: await dialNode(addr.host, addr.port) };
    } catch (error) {
      return {
        ok: false,
        reason: "unreachable",
        message: `node "${node.hostname}" at ${node.addr} cannot be reached: ${describe(error)}`,
      };
    }
  }
}
