// The audit log: the cluster's events newest first, filtered by the query string, a page at a
// time with no cap on the total; a row opens the event's JSON; the filtered events export as
// JSON lines or CSV.
import { useEffect, useRef, useState, type FormEvent } from "react";
import { z } from "zod";
import { apiGet, errorMessage } from "../api";
import {
  apiQuery,
  EVENT_TYPES,
  filtersFromSearch,
  filtersToSearch,
  type AuditFilters,
} from "../audit-query";
import { ColumnHeads, DataTable, OpeningRow } from "../components/DataTable";
import { Dialog } from "../components/Dialog";
import { ErrorAlert } from "../components/ErrorAlert";
import { TextField } from "../components/FormControls";
import { formatTime, fromLocalInput, toLocalInput } from "../format";
import { BASE, Link, navigate, useLocation } from "../router";
import { sitePath, useSession, type Ping } from "../session";

const PAGE_SIZE = 100;

const eventSchema = z.looseObject({
  event: z.string(),
  code: z.string().optional(),
  time: z.string(),
  uid: z.string().optional(),
  user: z.string().optional(),
  sid: z.string().optional(),
  server_hostname: z.string().optional(),
  server_id: z.string().optional(),
  summary: z.string(),
});
type AuditEvent = z.infer<typeof eventSchema>;

const searchSchema = z.object({
  events: z.array(eventSchema),
  next_cursor: z.string().optional(),
});

/** One page of events, newest first, after `cursor` (the first page without one). */
function fetchPage(ping: Ping, query: string, cursor: string | undefined) {
  const params = new URLSearchParams(query);
  params.set("order", "desc");
  params.set("limit", String(PAGE_SIZE));
  if (cursor !== undefined) params.set("cursor", cursor);
  return apiGet(sitePath(ping, `events/search?${params.toString()}`), { schema: searchSchema });
}

function FilterForm({ initial }: { initial: AuditFilters }) {
  const [from, setFrom] = useState(toLocalInput(initial.from));
  const [to, setTo] = useState(toLocalInput(initial.to));
  const [types, setTypes] = useState<string[]>(initial.types);
  const [user, setUser] = useState(initial.user ?? "");
  const [node, setNode] = useState(initial.node ?? "");
  const [sid, setSid] = useState(initial.sid ?? "");
  const [text, setText] = useState(initial.text ?? "");

  const apply = (event: FormEvent) => {
    event.preventDefault();
    const filters: AuditFilters = { types, user, node, sid, text };
    const fromIso = fromLocalInput(from);
    const toIso = fromLocalInput(to);
    if (fromIso !== undefined) filters.from = fromIso;
    if (toIso !== undefined) filters.to = toIso;
    const query = filtersToSearch(filters).toString();
    navigate(`${BASE}/audit${query === "" ? "" : `?${query}`}`);
  };

  const toggle = (type: string, on: boolean) =>
    setTypes((current) =>
      on ? [...current, type].sort() : current.filter((other) => other !== type),
    );

  return (
    <form className="filters" onSubmit={apply} aria-label="Audit log filters">
      <label>
        From (local time)
        <input
          type="datetime-local"
          step={1}
          value={from}
          onChange={(e) => setFrom(e.target.value)}
        />
      </label>
      <label>
        To (local time)
        <input type="datetime-local" step={1} value={to} onChange={(e) => setTo(e.target.value)} />
      </label>
      <TextField label="User" value={user} onChange={setUser} />
      <TextField label="Node" value={node} onChange={setNode} />
      <TextField label="Session ID" value={sid} onChange={setSid} />
      <TextField label="Text" type="search" value={text} onChange={setText} />
      <details className="types">
        <summary>
          Event types{types.length === 0 ? " (all)" : ` (${types.length} selected)`}
        </summary>
        <fieldset>
          <legend className="visually-hidden">Event types to show</legend>
          {EVENT_TYPES.map((type) => (
            <label key={type} className="check">
              <input
                type="checkbox"
                checked={types.includes(type)}
                onChange={(e) => toggle(type, e.target.checked)}
              />
              {type}
            </label>
          ))}
        </fieldset>
      </details>
      <div className="actions">
        <button type="submit" className="primary">
          Apply filters
        </button>
        <button type="button" onClick={() => navigate(`${BASE}/audit`)}>
          Clear
        </button>
      </div>
    </form>
  );
}

/** The event as the audit log stores it (without the summary the API adds). */
function storedEvent(event: AuditEvent): Record<string, unknown> {
  return Object.fromEntries(Object.entries(event).filter(([key]) => key !== "summary"));
}

export function AuditPage() {
  const { ping, session } = useSession();
  const { search } = useLocation();
  const filters = filtersFromSearch(search);
  const query = apiQuery(filters).toString();
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [cursor, setCursor] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [failure, setFailure] = useState<string>();
  const [selected, setSelected] = useState<AuditEvent>();

  // The filters the shown events belong to: a page that arrives for older filters is dropped.
  const shownQuery = useRef(query);

  /** Shows the page after `after` (without it, the first page, replacing what is shown). */
  const load = (after: string | undefined) => {
    setLoading(true);
    setFailure(undefined);
    fetchPage(ping, query, after).then(
      (found) => {
        if (shownQuery.current !== query) return;
        setEvents((shown) => (after === undefined ? found.events : [...shown, ...found.events]));
        setCursor(found.next_cursor);
        setLoading(false);
      },
      (error: unknown) => {
        if (shownQuery.current !== query) return;
        setFailure(errorMessage(error));
        setLoading(false);
      },
    );
  };

  useEffect(() => {
    document.title = "Audit log · Teleport";
    shownQuery.current = query;
    setEvents([]);
    setCursor(undefined);
    load(undefined);
  }, [ping, query]);

  const loadMore = () => {
    if (cursor !== undefined) load(cursor);
  };

  const exportHref = (format: "jsonl" | "csv") => {
    const params = new URLSearchParams(query);
    params.set("format", format);
    return sitePath(ping, `events/export?${params.toString()}`);
  };

  return (
    <section className="page">
      <h1>Audit log</h1>
      <FilterForm key={search.toString()} initial={filters} />
      <div className="toolbar">
        <p aria-live="polite">
          {loading && events.length === 0
            ? "Loading events…"
            : `${events.length} event${events.length === 1 ? "" : "s"} shown${cursor === undefined ? "" : ", more available"}`}
        </p>
        <div className="exports">
          <a href={exportHref("jsonl")} download="events.jsonl">
            Export JSON lines
          </a>
          <a href={exportHref("csv")} download="events.csv">
            Export CSV
          </a>
        </div>
      </div>
      <ErrorAlert failure={failure} what="Could not load events" />
      <DataTable
        label="Audit events, newest first"
        head={<ColumnHeads names={["Time", "Type", "Code", "User", "Node", "Summary"]} />}
      >
        {events.map((event, index) => (
          <OpeningRow
            key={event.uid ?? `${event.time}-${index}`}
            label={`${event.summary}: open the event's JSON`}
            opensDialog
            onOpen={() => setSelected(event)}
          >
            <td>
              <time dateTime={event.time}>{formatTime(event.time)}</time>
            </td>
            <td>{event.event}</td>
            <td>{event.code ?? ""}</td>
            <td>{event.user ?? ""}</td>
            <td>{event.server_hostname ?? event.server_id ?? ""}</td>
            <td className="summary">{event.summary}</td>
          </OpeningRow>
        ))}
      </DataTable>
      {!loading && failure === undefined && events.length === 0 ? (
        <p>No events match these filters.</p>
      ) : null}
      {cursor === undefined ? null : (
        <button type="button" className="load-more" onClick={loadMore} disabled={loading}>
          {loading ? "Loading…" : "Load more"}
        </button>
      )}
      {selected === undefined ? null : (
        <Dialog
          title={`${selected.event} at ${formatTime(selected.time)}`}
          onClose={() => setSelected(undefined)}
        >
          <p className="summary">{selected.summary}</p>
          {selected.sid !== undefined && session.acl.recordings !== "none" ? (
            <p>
              <Link to={`${BASE}/recordings/${encodeURIComponent(selected.sid)}`}>
                Open the session&apos;s recording
              </Link>
            </p>
          ) : null}
          <pre className="json" tabIndex={0} aria-label="The event as JSON">
            {JSON.stringify(storedEvent(selected), null, 2)}
          </pre>
        </Dialog>
      )}
    </section>
  );
}
