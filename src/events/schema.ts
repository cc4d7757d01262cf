// zod schemas of the audit events of DESIGN §4, with Teleport's names and codes. They describe
// what we accept when reading (old Teleport logs included: the guide's 2019 session.end lacks
// fields later versions always write), so fields Teleport omits when empty are optional here.
import { z } from "zod";

const rfc3339 = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();
const text = z.string().optional();

/** Teleport's Metadata: every event. `cluster_name` is optional only because old logs lack it. */
const metadata = {
  time: rfc3339,
  uid: z.string().min(1),
  cluster_name: text,
};

const userMetadata = { user: text, login: text };

const serverMetadata = {
  namespace: text,
  server_id: text,
  server_hostname: text,
  server_addr: text,
};

/** Teleport's ConnectionMetadata; kept typed because its keys contain dots. */
const connectionMetadata = { "addr.local": text, "addr.remote": text, proto: text };

/** Events inside a session: `ei` orders them, `hash` is the recording writer's integrity chain. */
const sessionMetadata = { sid: z.string().min(1), ei: count.optional(), hash: text };

const inSession = {
  ...metadata,
  ...sessionMetadata,
  ...userMetadata,
  ...serverMetadata,
  ...connectionMetadata,
};

const bpf = { pid: count, cgroup_id: count, program: z.string() };

// Present (and true) only when the kernel could not read the whole value: DESIGN §4.
const flag = z.literal(true).optional();

/** "W:H", Teleport's terminal size. */
const terminalSize = z.string().regex(/^\d+:\d+$/, 'expected a terminal size "W:H"');

export const eventSchemas = {
  "user.login": z.object({
    event: z.literal("user.login"),
    code: z.enum(["T1000I", "T1000W"]),
    ...metadata,
    ...connectionMetadata,
    user: z.string(),
    login: text,
    method: text,
    success: z.boolean(),
    error: text,
  }),
  // A refused login (Teleport's AuthAttempt): the node names the reason in `error`.
  auth: z.object({
    event: z.literal("auth"),
    code: z.literal("T3007W"),
    ...metadata,
    ...userMetadata,
    ...serverMetadata,
    ...connectionMetadata,
    success: z.boolean(),
    error: text,
  }),
  "session.start": z.object({
    event: z.literal("session.start"),
    code: z.literal("T2000I"),
    ...inSession,
    size: terminalSize.optional(),
    initial_command: z.array(z.string()).optional(),
    session_recording: text,
  }),
  "session.join": z.object({
    event: z.literal("session.join"),
    code: z.literal("T2001I"),
    ...inSession,
  }),
  resize: z.object({
    event: z.literal("resize"),
    code: z.literal("T2002I"),
    ...inSession,
    size: terminalSize,
  }),
  "session.leave": z.object({
    event: z.literal("session.leave"),
    code: z.literal("T2003I"),
    ...inSession,
  }),
  "session.end": z.object({
    event: z.literal("session.end"),
    code: z.literal("T2004I"),
    ...inSession,
    enhanced_recording: z.boolean(),
    interactive: z.boolean(),
    participants: z.array(z.string()),
    session_start: rfc3339.optional(),
    session_stop: rfc3339.optional(),
    initial_command: z.array(z.string()).optional(),
    session_recording: text,
  }),
  "session.upload": z.object({
    event: z.literal("session.upload"),
    code: z.literal("T2005I"),
    ...inSession,
    url: z.string(),
    /** Ours: what the auth server verified before publishing, so a cut-off end shows. */
    final_hash: text,
    events: count.optional(),
  }),
  "session.data": z.object({
    event: z.literal("session.data"),
    code: z.literal("T2006I"),
    ...inSession,
    tx: count,
    rx: count,
  }),
  exec: z.object({
    event: z.literal("exec"),
    code: z.enum(["T3002I", "T3002E"]),
    ...inSession,
    command: z.string(),
    // Teleport writes the exit code as a string ("0", "127").
    exitCode: text,
    exitError: text,
  }),
  "session.command": z.object({
    event: z.literal("session.command"),
    code: z.literal("T4000I"),
    ...inSession,
    ...bpf,
    path: z.string(),
    argv: z.array(z.string()),
    ppid: count,
    return_code: z.number().int(),
    argv_truncated: flag,
    argv_unreadable: flag,
    path_truncated: flag,
    path_unreadable: flag,
  }),
  "session.disk": z.object({
    event: z.literal("session.disk"),
    code: z.literal("T4001I"),
    ...inSession,
    ...bpf,
    path: z.string(),
    flags: z.number().int(),
    return_code: z.number().int(),
    path_truncated: flag,
    path_unreadable: flag,
  }),
  "session.network": z.object({
    event: z.literal("session.network"),
    code: z.literal("T4002I"),
    ...inSession,
    ...bpf,
    src_addr: z.string(),
    dst_addr: z.string(),
    dst_port: z.number().int().min(0).max(65535),
    version: z.union([z.literal(4), z.literal(6)]),
    // 0 connect; kept an integer so later operations still parse.
    operation: count,
    // 0 observed, 1 denied.
    action: z.union([z.literal(0), z.literal(1)]),
  }),
  "session.events_lost": z.object({
    event: z.literal("session.events_lost"),
    code: z.literal("T4003W"),
    ...inSession,
    lost: z.object({
      kernel: z.object({ command: count, disk: count, network: count }),
      user: z.object({ command: count, disk: count, network: count }),
    }),
    total: count,
  }),
  // Terminal output in a recording (events.gz). Teleport gives print no code: we write none and
  // accept "" from other writers. `uid` is optional because recordings may omit it on prints.
  print: z.object({
    event: z.literal("print"),
    code: z.literal("").optional(),
    ...inSession,
    uid: z.string().min(1).optional(),
    bytes: count,
    ms: count,
    offset: count,
    ci: count,
  }),
  "session.recording.access": z.object({
    event: z.literal("session.recording.access"),
    code: z.literal("T2012I"),
    ...metadata,
    sid: z.string().min(1),
    user: z.string(),
    session_type: text,
    format: text,
  }),
} as const;

/** Any event we do not know: the common fields are checked, the rest is kept as is. */
export const unknownEventSchema = z.looseObject({
  event: z.string().min(1),
  code: z.string(),
  time: rfc3339,
  uid: z.string().min(1),
});
