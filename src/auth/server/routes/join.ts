// POST /v1/join: token → host identity (SSH host certificate + TLS certificate).
import { randomUUID } from "node:crypto";
import type { z } from "zod";
import { joinRequest, ROUTES, type joinResponse } from "../../api/index.js";
import { anyone } from "../authz.js";
import {
  checkHostName,
  issueHostCerts,
  specificHost,
  sshHostCaLines,
  sshUserCaLines,
} from "../certs.js";
import { parseJsonBody } from "../http/body.js";
import type { Route } from "../http/router.js";
import type { RouteDeps } from "./context.js";

export type HostIdentityResponse = z.input<typeof joinResponse>;

export interface HostIdentityRequest {
  role: "node" | "proxy";
  hostname: string;
  sshPublicKey: string;
  tlsPublicKey: string;
  addr?: string | undefined;
  /** Listed for a node; a join token's labels come first, the node's own win. */
  labels: Record<string, string>;
}

/** A new host id, its certificates, and (for a node) its entry in the inventory. */
export async function issueHostIdentity(
  { state, inventory }: RouteDeps,
  request: HostIdentityRequest,
): Promise<HostIdentityResponse> {
  const hostId = randomUUID();
  const certs = await issueHostCerts(state.cas, {
    hostId,
    hostname: request.hostname,
    role: request.role === "node" ? "Node" : "Proxy",
    ...(request.addr === undefined ? {} : { addr: request.addr }),
    sshPublicKey: request.sshPublicKey,
    tlsPublicKey: request.tlsPublicKey,
    now: state.now(),
  });
  if (request.role === "node") {
    // Listed at once; heartbeats take over.
    await inventory.announce(hostId, {
      hostname: request.hostname,
      addr: request.addr ?? "",
      labels: request.labels,
      version: "",
    });
  }
  return {
    hostId,
    clusterName: state.clusterName,
    ...certs,
    tlsCaCertificates: [state.cas.tlsCa.certPem],
    sshUserCaLines: sshUserCaLines(state.cas),
    sshHostCaLines: sshHostCaLines(state.cas),
  };
}

export function joinRoutes(deps: RouteDeps): Route[] {
  const { state } = deps;
  return [
    {
      spec: ROUTES.join,
      access: anyone,
      async handle({ req }) {
        const body = await parseJsonBody(req, joinRequest);
        // Before the token is looked at: a refused name must not use up the token.
        checkHostName("hostname", body.hostname);
        checkHostName("addr", specificHost(body.addr));
        const token = await state.tokens.validate(body.token, body.role);
        return issueHostIdentity(deps, {
          role: body.role,
          hostname: body.hostname,
          sshPublicKey: body.sshPublicKey,
          tlsPublicKey: body.tlsPublicKey,
          addr: body.addr,
          labels: { ...token.labels, ...body.labels },
        });
      },
    },
  ];
}
