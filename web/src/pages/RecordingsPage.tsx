// The session recordings the user may see (all of them, or only their own sessions, as auth
// decides), sortable by any column and filtered by user, node and text; a row opens the player.
// Sort and filters live in the query string so a view can be linked.
import { useEffect, useState } from "react";
import { z } from "zod";
import { apiGet, errorMessage } from "../api";
import { DataTable, OpeningRow } from "../components/DataTable";
import { ErrorAlert } from "../components/ErrorAlert";
import { TextField } from "../components/FormControls";
import { formatDuration, formatTime } from "../format";
import { BASE, navigate, useLocation } from "../router";
import { sitePath, useSession } from "../session";

const recordingSchema = z.object({
  sid: z.string(),
  start: z.string(),
  end: z.string().optional(),
  duration_ms: z.number(),
  user: z.string(),
  login: z.string(),
  participants: z.array(z.string()),
  server_id: z.string(),
  server_hostname: z.string(),
  interactive: z.boolean(),
  enhanced_recording: z.boolean(),
  counts: z.object({ command: z.number(), network: z.number(), disk: z.number() }),
  bytes: z.number(),
});
type Recording = z.infer<typeof recordingSchema>;

const listSchema = z.object({ items: z.array(recordingSchema) });

interface Column {
  key: string;
  label: string;
  value: (recording: Recording) => string | number;
  /** Numbers read best right-aligned, and sort newest/largest first on the first click. */
  numeric?: boolean;
  cell?: (recording: Recording) => string;
}

/** The default sort: newest first. */
const START: Column = {
  key: "start",
  label: "Start",
  value: (r) => r.start,
  cell: (r) => formatTime(r.start),
};

const COLUMNS: readonly Column[] = [
  START,
  {
    key: "duration",
    label: "Duration",
    value: (r) => r.duration_ms,
    numeric: true,
    cell: (r) => formatDuration(r.duration_ms),
  },
  { key: "user", label: "User", value: (r) => r.user },
  { key: "login", label: "Login", value: (r) => r.login },
  { key: "node", label: "Node", value: (r) => r.server_hostname || r.server_id },
  {
    key: "enhanced",
    label: "Enhanced",
    value: (r) => (r.enhanced_recording ? "yes" : "no"),
  },
  { key: "commands", label: "Commands", value: (r) => r.counts.command, numeric: true },
  { key: "network", label: "Network", value: (r) => r.counts.network, numeric: true },
  { key: "disk", label: "Disk", value: (r) => r.counts.disk, numeric: true },
];

type Direction = "asc" | "desc";

interface View {
  sort: Column;
  dir: Direction;
  user: string;
  node: string;
  text: string;
}

function viewOf(search: URLSearchParams): View {
  const sort = COLUMNS.find((column) => column.key === search.get("sort")) ?? START;
  const dir = search.get("dir") === "asc" ? "asc" : "desc";
  return {
    sort,
    dir,
    user: search.get("user") ?? "",
    node: search.get("node") ?? "",
    text: search.get("text") ?? "",
  };
}

function viewHref(view: View): string {
  const search = new URLSearchParams();
  if (view.sort !== START) search.set("sort", view.sort.key);
  if (view.dir !== "desc") search.set("dir", view.dir);
  for (const field of ["user", "node", "text"] as const) {
    if (view[field] !== "") search.set(field, view[field]);
  }
  const query = search.toString();
  return `${BASE}/recordings${query === "" ? "" : `?${query}`}`;
}

const contains = (value: string, wanted: string) =>
  value.toLowerCase().includes(wanted.trim().toLowerCase());

function visible(recordings: readonly Recording[], view: View): Recording[] {
  const shown = recordings.filter(
    (r) =>
      contains(r.user, view.user) &&
      contains(`${r.server_hostname} ${r.server_id}`, view.node) &&
      contains([r.sid, r.user, r.login, r.server_hostname, ...r.participants].join(" "), view.text),
  );
  const sign = view.dir === "asc" ? 1 : -1;
  return shown.sort((a, b) => {
    const x = view.sort.value(a);
    const y = view.sort.value(b);
    const order =
      typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
    return sign * order;
  });
}

export function RecordingsPage() {
  const { ping, session } = useSession();
  const { search } = useLocation();
  const view = viewOf(search);
  const [recordings, setRecordings] = useState<Recording[]>();
  const [failure, setFailure] = useState<string>();

  useEffect(() => {
    document.title = "Recordings · Teleport";
    apiGet(sitePath(ping, "recordings"), { schema: listSchema }).then(
      (found) => setRecordings(found.items),
      (error: unknown) => setFailure(errorMessage(error)),
    );
  }, [ping]);

  const change = (next: Partial<View>) =>
    navigate(viewHref({ ...view, ...next }), { replace: true });
  const sortBy = (column: Column) =>
    change({
      sort: column,
      dir:
        column === view.sort
          ? view.dir === "asc"
            ? "desc"
            : "asc"
          : column.numeric || column === START
            ? "desc"
            : "asc",
    });
  const open = (recording: Recording) =>
    navigate(`${BASE}/recordings/${encodeURIComponent(recording.sid)}`);

  const shown = recordings === undefined ? [] : visible(recordings, view);
  const own = session.acl.recordings === "own";

  return (
    <section className="page">
      <h1>{own ? "My sessions" : "Session recordings"}</h1>
      <form className="filters" aria-label="Recording filters" onSubmit={(e) => e.preventDefault()}>
        <TextField label="User" value={view.user} onChange={(user) => change({ user })} />
        <TextField label="Node" value={view.node} onChange={(node) => change({ node })} />
        <TextField
          label="Text"
          type="search"
          value={view.text}
          onChange={(text) => change({ text })}
        />
      </form>
      <p aria-live="polite">
        {recordings === undefined
          ? failure === undefined
            ? "Loading recordings…"
            : ""
          : `${shown.length} of ${recordings.length} recording${recordings.length === 1 ? "" : "s"}`}
      </p>
      <ErrorAlert failure={failure} what="Could not load recordings" />
      <DataTable
        label="Session recordings"
        head={COLUMNS.map((column) => (
          <th
            key={column.key}
            scope="col"
            className={column.numeric ? "numeric" : undefined}
            aria-sort={
              column === view.sort ? (view.dir === "asc" ? "ascending" : "descending") : undefined
            }
          >
            <button type="button" className="sort" onClick={() => sortBy(column)}>
              {column.label}
              <span aria-hidden="true">
                {column === view.sort ? (view.dir === "asc" ? " ▲" : " ▼") : ""}
              </span>
            </button>
          </th>
        ))}
      >
        {shown.map((recording) => (
          <OpeningRow
            key={recording.sid}
            label={`Session of ${recording.user} as ${recording.login} on ${recording.server_hostname} at ${formatTime(recording.start)}: open the player`}
            onOpen={() => open(recording)}
          >
            {COLUMNS.map((column) => (
              <td key={column.key} className={column.numeric ? "numeric" : undefined}>
                {column.cell ? column.cell(recording) : column.value(recording)}
              </td>
            ))}
          </OpeningRow>
        ))}
      </DataTable>
      {recordings !== undefined && shown.length === 0 ? (
        <p>
          {recordings.length === 0 ? "No recordings yet." : "No recordings match these filters."}
        </p>
      ) : null}
    </section>
  );
}
