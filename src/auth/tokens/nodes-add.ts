// What tctl nodes add prints: Teleport's instructions, then the teleport.yaml lines the guide's
// config-file flow needs. The token is meant to be shown here.
import { formatHumanDuration } from "./duration.js";
import type { TokenRole } from "./roles.js";

interface NodesAddCommon {
  token: string;
  roles: readonly TokenRole[];
  /** Milliseconds the token lives. */
  ttl: number;
  /** "sha256:<hex>" of the cluster's CA. */
  caPin: string;
}

export type NodesAddOutput = NodesAddCommon &
  ({ authAddr: string; proxyAddr?: undefined } | { proxyAddr: string; authAddr?: undefined });

export function formatNodesAdd(output: NodesAddOutput): string {
  const addr = output.authAddr ?? output.proxyAddr;
  const serverKey = output.authAddr === undefined ? "proxy_server" : "auth_server";
  const lasts = formatHumanDuration(output.ttl);
  return [
    `The invite token: ${output.token}`,
    `This token will expire in ${lasts}.`,
    "",
    "Run this on the new node to join the cluster:",
    "",
    "> teleport start \\",
    `   --roles=${output.roles.join(",")} \\`,
    `   --token=${output.token} \\`,
    `   --ca-pin=${output.caPin} \\`,
    `   --auth-server=${addr}`,
    "",
    "Please note:",
    "",
    `  - This invitation token will expire in ${lasts}`,
    `  - ${addr} must be reachable from the new node`,
    "",
    "Or, to join with a config file, put these lines in the new node's teleport.yaml:",
    "",
    "teleport:",
    `  auth_token: ${output.token}`,
    `  ca_pin: ${output.caPin}`,
    `  ${serverKey}: ${addr}`,
    "",
  ].join("\n");
}
