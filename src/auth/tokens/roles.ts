// The system roles a join token grants, and how tctl writes them ("Node", "Trusted_cluster").
import type { TokenRole } from "../../config/index.js";

export type { TokenRole };

// A Record over TokenRole: the compiler insists on every role of config's list, and no other.
const DISPLAY_NAMES: Readonly<Record<TokenRole, string>> = {
  auth: "Auth",
  node: "Node",
  proxy: "Proxy",
  kube: "Kube",
  app: "App",
  db: "Db",
  windowsdesktop: "WindowsDesktop",
  discovery: "Discovery",
  trusted_cluster: "Trusted_cluster",
};

export const TOKEN_ROLES = Object.keys(DISPLAY_NAMES) as readonly TokenRole[];

export function isTokenRole(name: string): name is TokenRole {
  return Object.hasOwn(DISPLAY_NAMES, name);
}

/** Teleport's SystemRoles.String(): "Node" or "Node,Proxy". */
export function displayRoles(roles: readonly TokenRole[]): string {
  return roles.map((role) => DISPLAY_NAMES[role]).join(",");
}
