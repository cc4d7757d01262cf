// Audit events: batched ingestion from nodes and proxies, and search for auditors.
import {
  postEventsRequest,
  ROUTES,
  searchEventsQuery,
  type searchEventsResponse,
} from "../../api/index.js";
import type { AuditSearchQuery } from "../../../events/index.js";
import type { z } from "zod";
import { builtin, rule } from "../authz.js";
import { parseJsonBody, parseValue } from "../http/body.js";
import type { Route } from "../http/router.js";
import type { RouteDeps } from "./context.js";

/** A batch of up to 1000 events with long argv lists fits in this. */
const EVENTS_BODY_LIMIT = 16 * 1024 * 1024;
/** Searches without `from` look back this far from `to`. */
const DEFAULT_WINDOW_MS = 24 * 60 * 60 * 1000;

export function eventRoutes({ state }: RouteDeps): Route[] {
  return [
    {
      spec: ROUTES.postEvents,
      access: builtin("Node", "Proxy"),
      async handle({ req, caller }) {
        const body = await parseJsonBody(req, postEventsRequest, EVENTS_BODY_LIMIT);
        const events = state.ingest.check(body.events, caller.require());
        return state.ingest.ingest(events);
      },
    },
    {
      spec: ROUTES.searchEvents,
      access: rule("event", "list"),
      async handle({ query }) {
        const q = parseValue(searchEventsQuery, Object.fromEntries(query), "query");
        const to = q.to === undefined ? state.now() : new Date(q.to);
        const from =
          q.from === undefined ? new Date(to.getTime() - DEFAULT_WINDOW_MS) : new Date(q.from);
        const search: AuditSearchQuery = {
          from,
          to,
          ...(q.types === undefined ? {} : { eventTypes: q.types }),
          ...(q.sid === undefined ? {} : { sid: q.sid }),
          ...(q.user === undefined ? {} : { user: q.user }),
          ...(q.login === undefined ? {} : { login: q.login }),
          ...(q.server === undefined ? {} : { serverId: q.server }),
          ...(q.text === undefined ? {} : { text: q.text }),
          ...(q.limit === undefined ? {} : { limit: q.limit }),
          ...(q.order === undefined ? {} : { order: q.order }),
          ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
        };
        await state.flushAudit();
        const result = await state.auditLog.search(search);
        const response: z.input<typeof searchEventsResponse> = {
          events: result.events,
          problems: result.problems,
          ...(result.nextCursor === undefined ? {} : { nextCursor: result.nextCursor }),
        };
        return response;
      },
    },
  ];
}
