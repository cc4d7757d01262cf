// GET /webapi/ping: what a client learns before it logs in (Teleport's shape): the cluster, the
// SSH proxy's address, and which second factor the login form must ask for.
import type { ProxyContext } from "../../context.js";
import { TELEPORT_COMPATIBLE_VERSION } from "../../../version.js";
import { json, type WebRoute } from "../router.js";

export function pingRoutes(context: ProxyContext, sshPublicAddr: string): WebRoute[] {
  const handle = async () => {
    const preference = await context.auth.authPreference();
    return json({
      auth: { type: "local", second_factor: preference.secondFactor },
      proxy: { ssh: { listen_addr: sshPublicAddr, public_addr: sshPublicAddr } },
      server_version: TELEPORT_COMPATIBLE_VERSION,
      min_client_version: "13.0.0",
      cluster_name: context.clusterName,
    });
  };
  return [
    { method: "GET", path: "/webapi/ping", access: "public", handle },
    { method: "GET", path: "/v1/webapi/ping", access: "public", handle },
  ];
}
