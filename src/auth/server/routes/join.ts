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

export function joinRoutes({ state, inventory }: RouteDeps): Route[] {
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
        const hostId = randomUUID();
        const certs = await issueHostCerts(state.cas, {
          hostId,
          hostname: body.hostname,
          role: body.role === "node" ? "Node" : "Proxy",
          ...(body.addr === undefined ? {} : { addr: body.addr }),
          sshPublicKey: body.sshPublicKey,
          tlsPublicKey: body.tlsPublicKey,
          now: state.now(),
        });
        if (body.role === "node") {
          // Listed at once, with the token's labels under the node's own; heartbeats take over.
          await inventory.announce(hostId, {
            hostname: body.hostname,
            addr: body.addr ?? "",
            labels: { ...token.labels, ...body.labels },
            version: "",
          });
        }
        const response: z.input<typeof joinResponse> = {
          hostId,
          clusterName: state.clusterName,
          ...certs,
          tlsCaCertificates: [state.cas.tlsCa.certPem],
          sshUserCaLines: sshUserCaLines(state.cas),
          sshHostCaLines: sshHostCaLines(state.cas),
        };
        return response;
      },
    },
  ];
}
