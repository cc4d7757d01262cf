// The proxy's HTTPS server. For now it answers Teleport's /webapi/ping (what a client learns
// before it logs in); the login API and the web UI come with issue #7.
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { TELEPORT_COMPATIBLE_VERSION } from "../version.js";

export interface WebOptions {
  keyPem: string;
  certPem: string;
  clusterName: string;
  /** The SSH proxy's address as clients should dial it. */
  sshPublicAddr: string;
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export function createWebServer(options: WebOptions): Server {
  const ping = {
    auth: { type: "local", second_factor: "off" },
    proxy: { ssh: { listen_addr: options.sshPublicAddr, public_addr: options.sshPublicAddr } },
    server_version: TELEPORT_COMPATIBLE_VERSION,
    min_client_version: "13.0.0",
    cluster_name: options.clusterName,
  };
  return createServer(
    { key: options.keyPem, cert: options.certPem, minVersion: "TLSv1.2" },
    (req: IncomingMessage, res: ServerResponse) => {
      const path = (req.url ?? "/").split("?")[0];
      if (req.method === "GET" && (path === "/webapi/ping" || path === "/v1/webapi/ping")) {
        reply(res, 200, ping);
        return;
      }
      reply(res, 404, {
        error: { message: `no such endpoint: ${req.method ?? "GET"} ${path ?? "/"}` },
      });
    },
  );
}
