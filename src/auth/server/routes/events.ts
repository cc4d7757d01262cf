// Audit events: batched ingestion from nodes and proxies, and search for auditors.
//
// A search without from or to gets a window ending now; its next cursor carries that window,
// so the next page searches the same one and paging goes on to the last event (the audit log
// takes a cursor only with the query that made it).
import {
  MAX_EVENTS_BODY_BYTES,
  postEventsRequest,
  ROUTES,
  searchEventsQuery,
  type searchEventsResponse,
} from "../../api/index.js";
import type { AuditSearchQuery } from "../../../events/index.js";
import { z } from "zod";
import { builtin, rule } from "../authz.js";
import { badRequest } from "../errors.js";
import { parseJsonBody, parseValue } from "../http/body.js";
import type { Route } from "../http/router.js";
import type { RouteDeps } from "./context.js";

/** A batch of up to 1000 events with long argv lists fits in this. */
/** Searches without `from` look back this far from `to`. */
const DEFAULT_WINDOW_MS = 24 * 60 * 60 * 1000;

const pageCursor = z.object({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  cursor: z.string(),
});
type PageCursor = z.infer<typeof pageCursor>;

function encodePage(page: PageCursor): string {
  return Buffer.from(JSON.stringify(page)).toString("base64url");
}

function decodePage(text: string): PageCursor {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    json = undefined;
  }
  const parsed = pageCursor.safeParse(json);
  if (!parsed.success) {
    throw badRequest("the cursor is damaged or not one this server made: search again without it");
  }
  return parsed.data;
}

/**
 * The node a search names: its host id as given, or the id of the node with that hostname (a
 * user filters by the name they know; events carry both, the index keys on the id).
 */
async function serverIdOf(inventory: RouteDeps["inventory"], server: string): Promise<string> {
  const nodes = await inventory.list();
  if (nodes.some((node) => node.hostId === server)) return server;
  return nodes.find((node) => node.hostname === server)?.hostId ?? server;
}

export function eventRoutes({ state, inventory }: RouteDeps): Route[] {
  return [
    {
      spec: ROUTES.postEvents,
      access: builtin("Node", "Proxy"),
      async handle({ req, caller }) {
        const body = await parseJsonBody(req, postEventsRequest, MAX_EVENTS_BODY_BYTES);
        const events = state.ingest.check(body.events, caller.require());
        return state.ingest.ingest(events);
      },
    },
    {
      spec: ROUTES.searchEvents,
      access: rule("event", "list"),
      async handle({ query }) {
        const q = parseValue(searchEventsQuery, Object.fromEntries(query), "query");
        const page = q.cursor === undefined ? undefined : decodePage(q.cursor);
        const to = new Date(q.to ?? page?.to ?? state.now());
        const from = new Date(q.from ?? page?.from ?? to.getTime() - DEFAULT_WINDOW_MS);
        const search: AuditSearchQuery = {
          from,
          to,
          ...(q.types === undefined ? {} : { eventTypes: q.types }),
          ...(q.sid === undefined ? {} : { sid: q.sid }),
          ...(q.user === undefined ? {} : { user: q.user }),
          ...(q.login === undefined ? {} : { login: q.login }),
          ...(q.server === undefined ? {} : { serverId: await serverIdOf(inventory, q.server) }),
          ...(q.text === undefined ? {} : { text: q.text }),
          ...(q.limit === undefined ? {} : { limit: q.limit }),
          ...(q.order === undefined ? {} : { order: q.order }),
          ...(page === undefined ? {} : { cursor: page.cursor }),
        };
        await state.flushAudit();
        const result = await state.auditLog.search(search);
        const response: z.input<typeof searchEventsResponse> = {
          events: result.events,
          problems: result.problems,
          ...(result.nextCursor === undefined
            ? {}
            : {
                nextCursor: encodePage({
                  from: from.toISOString(),
                  to: to.toISOString(),
                  cursor: result.nextCursor,
                }),
              }),
        };
        return response;
      },
    },
  ];
}
