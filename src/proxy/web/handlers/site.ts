// /webapi/sites/:site/…: the cluster's resources as the logged-in user sees them. Every call
// goes to auth with the user's own certificate, so auth applies the user's roles (its 403s are
// passed on); :site must be this cluster's name.
import { z } from "zod";
import type { ProxyContext } from "../../context.js";
import { queryOf } from "../body.js";
import { notFound } from "../errors.js";
import { json, type SessionRequest, type WebRoute } from "../router.js";

const rfc3339 = z.iso.datetime({ offset: true, error: "expected an RFC 3339 time" });
const nonEmpty = z.string().min(1, { error: "must not be empty" }).max(1024);

const eventsQuery = z.strictObject({
  from: rfc3339.optional(),
  to: rfc3339.optional(),
  types: z
    .string()
    .regex(/^[^,]+(,[^,]+)*$/, { error: "expected event types separated by commas" })
    .max(4096)
    .optional(),
  user: nonEmpty.optional(),
  sid: nonEmpty.optional(),
  server: nonEmpty.optional(),
  text: nonEmpty.optional(),
  limit: z
    .string()
    .regex(/^\d{1,6}$/, { error: "expected a whole number" })
    .optional(),
  cursor: z.string().max(4096).optional(),
  order: z.enum(["asc", "desc"], { error: 'expected "asc" or "desc"' }).optional(),
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
          events: found.events,
          ...(found.nextCursor === undefined ? {} : { next_cursor: found.nextCursor }),
        });
      },
    },
  ];
}
