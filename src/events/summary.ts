// One line of plain English per audit event ("alice ran curl https://wttr.in"), for the audit
// log's summary column, the player's timeline and exports. Pure and free of Node imports: the
// web UI's bundle imports this file too.

type Fields = Readonly<Record<string, unknown>>;

function text(event: Fields, key: string): string | undefined {
  const value = event[key];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function num(event: Fields, key: string): number | undefined {
  const value = event[key];
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

// Arguments that a shell would split or expand are quoted, so the line reads as the command ran.
const PLAIN_WORD = /^[A-Za-z0-9_@%+=:,./~^-]+$/;

function shellWord(word: string): string {
  return PLAIN_WORD.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1) || path;
}

function who(event: Fields): string {
  return text(event, "user") ?? text(event, "login") ?? "someone";
}

function node(event: Fields): string {
  return text(event, "server_hostname") ?? text(event, "server_id") ?? "a node";
}

/** The process an enhanced event came from: the kernel's comm, else the file it ran. */
function program(event: Fields): string {
  const path = text(event, "path");
  return text(event, "program") ?? (path === undefined ? "a process" : baseName(path));
}

function commandLine(event: Fields): string {
  const path = text(event, "path");
  const name = path === undefined ? text(event, "program") : baseName(path);
  if (name === undefined) return "an unknown program";
  const argv = Array.isArray(event["argv"]) ? event["argv"].map(String) : [];
  const line = [name, ...argv].map(shellWord).join(" ");
  return event["argv_truncated"] === true ? `${line} …` : line;
}

function sessionCommand(event: Fields): string {
  const code = num(event, "return_code");
  const failed = code !== undefined && code !== 0 ? ` (failed to start: error ${code})` : "";
  return `${who(event)} ran ${commandLine(event)}${failed}`;
}

function endpoint(event: Fields): string {
  const addr = text(event, "dst_addr") ?? "an unknown address";
  const port = num(event, "dst_port");
  const host = addr.includes(":") ? `[${addr}]` : addr;
  return port === undefined ? host : `${host}:${port}`;
}

function sessionNetwork(event: Fields): string {
  if (num(event, "action") === 1)
    return `${program(event)} was denied a connection to ${endpoint(event)}`;
  return `${program(event)} connected to ${endpoint(event)}`;
}

// open(2) access modes: O_WRONLY 1, O_RDWR 2.
const ACCESS_MODE = 3;

function sessionDisk(event: Fields): string {
  const path = text(event, "path") ?? "a file";
  const code = num(event, "return_code");
  if (code !== undefined && code < 0) {
    return `${program(event)} failed to open ${path} (error ${code})`;
  }
  const flags = num(event, "flags") ?? 0;
  const writing = (flags & ACCESS_MODE) !== 0 ? " for writing" : "";
  return `${program(event)} opened ${path}${writing}`;
}

function sessionStart(event: Fields): string {
  const login = text(event, "login");
  const as = login === undefined ? "" : ` as ${login}`;
  const initial = Array.isArray(event["initial_command"])
    ? event["initial_command"].map(String).join(" ")
    : "";
  const running = initial === "" ? "" : ` to run ${initial}`;
  return `${who(event)} started a session on ${node(event)}${as}${running}`;
}

function sessionEnd(event: Fields): string {
  return event["enhanced_recording"] === true
    ? "session ended (enhanced recording)"
    : "session ended";
}

function resize(event: Fields): string {
  const size = text(event, "size");
  return size === undefined ? "terminal resized" : `terminal resized to ${size.replace(":", "x")}`;
}

function sessionData(event: Fields): string {
  return `session sent ${num(event, "tx") ?? 0} bytes and received ${num(event, "rx") ?? 0} bytes`;
}

function exec(event: Fields): string {
  const command = text(event, "command") ?? "a command";
  const exit = text(event, "exitCode");
  const failed = exit !== undefined && exit !== "0" ? ` (exit code ${exit})` : "";
  return `${who(event)} executed ${command} on ${node(event)}${failed}`;
}

function userLogin(event: Fields): string {
  if (event["success"] === true) return `${who(event)} logged in`;
  const error = text(event, "error");
  return `${who(event)} failed to log in${error === undefined ? "" : `: ${error}`}`;
}

function authRefused(event: Fields): string {
  const login = text(event, "login");
  const error = text(event, "error");
  return (
    `${who(event)} was refused${login === undefined ? "" : ` as ${login}`} on ${node(event)}` +
    (error === undefined ? "" : `: ${error}`)
  );
}

function recordingAccess(event: Fields): string {
  const sid = text(event, "sid");
  return `${who(event)} played the recording of session ${sid ?? "(unknown)"}`;
}

function lostCounts(event: Fields): string {
  const lost = event["lost"];
  const kinds = ["command", "disk", "network"];
  const totals = new Map<string, number>(kinds.map((kind) => [kind, 0]));
  if (typeof lost === "object" && lost !== null) {
    for (const where of Object.values(lost as Record<string, unknown>)) {
      if (typeof where !== "object" || where === null) continue;
      for (const kind of kinds) {
        const count = (where as Record<string, unknown>)[kind];
        if (typeof count === "number") totals.set(kind, (totals.get(kind) ?? 0) + count);
      }
    }
  }
  const parts = [...totals].filter(([, count]) => count > 0).map(([kind, n]) => `${kind} ${n}`);
  const total = num(event, "total") ?? [...totals.values()].reduce((a, b) => a + b, 0);
  return `session lost ${total} enhanced recording events${parts.length > 0 ? ` (${parts.join(", ")})` : ""}`;
}

function upload(event: Fields): string {
  const events = num(event, "events");
  return `recording uploaded${events === undefined ? "" : ` (${events} events)`}`;
}

// A Map, not an object: an event named "constructor" must not find Object's.
const SUMMARIES = new Map<string, (event: Fields) => string>(
  Object.entries({
    "session.command": sessionCommand,
    "session.network": sessionNetwork,
    "session.disk": sessionDisk,
    "session.start": sessionStart,
    "session.end": sessionEnd,
    "session.join": (event: Fields) => `${who(event)} joined the session`,
    "session.leave": (event: Fields) => `${who(event)} left the session`,
    resize,
    "session.data": sessionData,
    "session.upload": upload,
    "session.events_lost": lostCounts,
    "session.recording.access": recordingAccess,
    exec,
    "user.login": userLogin,
    auth: authRefused,
    print: (event: Fields) => `${num(event, "bytes") ?? 0} bytes of terminal output`,
  }),
);

/** A one-line description of `event` for people; any object gives some line, never an error. */
export function summarizeEvent(event: Fields): string {
  const type = text(event, "event");
  const summarize = type === undefined ? undefined : SUMMARIES.get(type);
  if (summarize !== undefined) return summarize(event);
  const user = text(event, "user");
  return `${type ?? "event"}${user === undefined ? "" : ` by ${user}`}`;
}
