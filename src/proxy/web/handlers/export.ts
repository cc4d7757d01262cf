// GET /webapi/sites/:site/events/export: every event the filters match, as a file to download
// (JSON lines, or CSV with a summary column). The proxy pages through auth's search as the user
// and streams each page as it comes, so an export of any size holds one page in memory.
import { Readable } from "node:stream";
import { z } from "zod";
import type { AuthClient, SearchEventsQuery, SearchEventsResponse } from "../../../auth/index.js";
import { summarizeEvent } from "../../../events/index.js";
import type { ProxyContext } from "../../context.js";
import { queryOf } from "../body.js";
import { csvRecord } from "../csv.js";
import type { WebRoute } from "../router.js";
import { eventFilters, pageLimit } from "./event-query.js";
import { checkSite } from "./site.js";

/** Events asked of auth per page unless the request says otherwise. */
const DEFAULT_PAGE = 1000;

const exportQuery = z.strictObject({
  ...eventFilters,
  format: z.enum(["jsonl", "csv"], { error: 'expected "jsonl" or "csv"' }).default("jsonl"),
  /** Events per call to auth (the export itself has no limit). */
  limit: pageLimit,
});

type Format = "jsonl" | "csv";

const CSV_COLUMNS = [
  "time",
  "event",
  "code",
  "user",
  "login",
  "server_hostname",
  "sid",
  "summary",
] as const;

function csvLine(event: Readonly<Record<string, unknown>>): string {
  return csvRecord(
    CSV_COLUMNS.map((column) => {
      if (column === "summary") return summarizeEvent(event);
      const value = event[column];
      return value === undefined || value === null ? "" : String(value);
    }),
  );
}

function pageText(page: SearchEventsResponse, format: Format): string {
  const line = format === "csv" ? csvLine : (e: object) => `${JSON.stringify(e)}\n`;
  return page.events.map(line).join("");
}

/** The file's text, page by page, from `first` (already fetched) to the last page. */
async function* exportText(
  auth: AuthClient,
  query: SearchEventsQuery,
  first: SearchEventsResponse,
  format: Format,
): AsyncGenerator<string> {
  if (format === "csv") yield csvRecord(CSV_COLUMNS);
  let page = first;
  for (;;) {
    const text = pageText(page, format);
    if (text !== "") yield text;
    if (page.nextCursor === undefined) return;
    page = await auth.searchEvents({ ...query, cursor: page.nextCursor });
  }
}

export function exportRoutes(context: ProxyContext): WebRoute[] {
  return [
    {
      method: "GET",
      path: "/webapi/sites/:site/events/export",
      access: "session",
      async handle(request) {
        checkSite(context, request);
        const { format, limit, ...filters } = queryOf(request.query, exportQuery);
        const query: SearchEventsQuery = { ...filters, limit: limit ?? String(DEFAULT_PAGE) };
        const auth = request.session.auth;
        // Fetched before answering: a refusal or a bad filter is an error answer, not a file.
        const first = await auth.searchEvents(query);
        return {
          kind: "stream",
          contentType:
            format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
          headers: { "content-disposition": `attachment; filename="events.${format}"` },
          body: Readable.from(exportText(auth, query, first, format)),
        };
      },
    },
  ];
}
