// Join tokens: tctl nodes add / tokens add | ls | rm.
import type { z } from "zod";
import { addTokenRequest, ROUTES, type tokenRecord } from "../../api/index.js";
import { parseGoDuration, type JoinToken } from "../../tokens/index.js";
import { rule } from "../authz.js";
import { parseJsonBody } from "../http/body.js";
import type { Route } from "../http/router.js";
import type { RouteDeps } from "./context.js";

function tokenToWire(token: JoinToken): z.input<typeof tokenRecord> {
  return {
    token: token.token,
    roles: token.roles,
    labels: token.labels,
    static: token.static,
    ...(token.expires === undefined ? {} : { expires: token.expires.toISOString() }),
  };
}

export function tokenRoutes({ state }: RouteDeps): Route[] {
  return [
    {
      spec: ROUTES.addToken,
      access: rule("token", "create"),
      async handle({ req }) {
        const body = await parseJsonBody(req, addTokenRequest);
        const added = await state.tokens.add({
          roles: body.roles,
          ttl: parseGoDuration(body.ttl),
          ...(body.token === undefined ? {} : { token: body.token }),
          ...(body.labels === undefined ? {} : { labels: body.labels }),
        });
        return { ...tokenToWire(added), expires: added.expires.toISOString(), ttl: added.ttl };
      },
    },
    {
      spec: ROUTES.listTokens,
      access: rule("token", "list"),
      async handle() {
        return { tokens: (await state.tokens.list()).map(tokenToWire) };
      },
    },
    {
      spec: ROUTES.removeToken,
      access: rule("token", "delete"),
      async handle({ params }) {
        await state.tokens.remove(params["token"] ?? "");
        return {};
      },
    },
  ];
}
