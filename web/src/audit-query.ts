// The audit log's filters, kept in the page's query string so a view can be linked, and turned
// into the query of the events API (search and export take the same filters).
import { EVENT_CODES } from "../../src/events/model";

/** Every event type the cluster writes, for the type filter. */
export const EVENT_TYPES = Object.keys(EVENT_CODES).sort();

export interface AuditFilters {
  from?: string;
  to?: string;
  types: string[];
  user?: string;
  node?: string;
  sid?: string;
  text?: string;
}

const TEXT_FIELDS = ["from", "to", "user", "node", "sid", "text"] as const;

export function filtersFromSearch(search: URLSearchParams): AuditFilters {
  const filters: AuditFilters = {
    types: (search.get("types") ?? "").split(",").filter((type) => type !== ""),
  };
  for (const field of TEXT_FIELDS) {
    const value = search.get(field)?.trim();
    if (value) filters[field] = value;
  }
  return filters;
}

/** The page's query string for these filters (only the ones set). */
export function filtersToSearch(filters: AuditFilters): URLSearchParams {
  const search = new URLSearchParams();
  for (const field of TEXT_FIELDS) {
    const value = filters[field]?.trim();
    if (value) search.set(field, value);
  }
  if (filters.types.length > 0) search.set("types", filters.types.join(","));
  return search;
}

/** The events API's query for these filters (its name for the node filter is "server"). */
export function apiQuery(filters: AuditFilters): URLSearchParams {
  const search = filtersToSearch(filters);
  const node = search.get("node");
  search.delete("node");
  if (node !== null) search.set("server", node);
  return search;
}
