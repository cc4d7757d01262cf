// /webapi/sites/:site/…: the cluster's resources as the logged-in user sees them. Every call
// goes to auth with the user's own certificate, so auth applies the user's roles (its 403s are
// passed on); :site must be this cluster's name.
import { z } from "zod";
import { summarizeEvent } from "../../../events/index.js";
import type { ProxyContext } from "../../context.js";
import { queryOf } from "../body.js";
import { notFound } from "../errors.js";
import { json, type SessionRequest, type WebRoute } from "../router.js";
import { eventFilters, pageLimit } from "./event-query.js";

const eventsQuery = z.strictObject({
  ...eventFilters,
  limit: pageLimit,
  cursor: z.string().max(4096).optional(),
});

/** 404 unless `site` names this cluster (a proxy serves exactly one). */
export function checkSite(context: ProxyContext, { params }: SessionRequest): void {
  const site = params["site"] ?? "";
  if (site !== context.clusterName) {
    throw notFound(
      `cluster ${JSON.stringify(site)} is not served by this proxy: it serves cluster ${JSON.stringify(context.clusterName)}`,
    );
  }
}

export function siteRoutes(context: ProxyContext): WebRoute[] {
  return [
    {
      method: "GET",
      path: "/webapi/sites/:site/nodes",
      access: "session",
      async handle(request) {
        checkSite(context, request);
        const nodes = await request.session.auth.listNodes();
        return json({
          items: nodes.map((node) => ({
            id: node.hostId,
            hostname: node.hostname,
            addr: node.addr,
            labels: node.labels,
          })),
        });
      },
    },
    {
      method: "GET",
      path: "/webapi/sites/:site/events/search",
      access: "session",
      async handle(request) {
        checkSite(context, request);
        const query = queryOf(request.query, eventsQuery);
        const found = await request.session.auth.searchEvents(query);
        return json({
          events: found.events.map((event) => ({ ...event, summary: summarizeEvent(event) })),
          ...(found.nextCursor === undefined ? {} : { next_cursor: found.nextCursor }),
        });
      },
    },
  ];
}
