import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ExecRecord } from "../../src/bpf/records.js";
import {
  AuditEventParseError,
  createEvent,
  enhancedEvent,
  EVENT_CODES,
  eventJsonLine,
  isEventOfType,
  KNOWN_EVENT_TYPES,
  lostEventsEvent,
  parseAuditEvent,
  parseAuditEventLine,
  SessionEventStream,
  type AuditEvent,
  type EnhancedEvent,
  type EventOptions,
  type KnownEventType,
  type LostEventsEvent,
} from "../../src/events/index.js";

// The guide's three examples, copied verbatim from docs/enhanced-session-recording-guide.txt
// ("Inspect the audit log"); only the line breaks of the guide's layout are gone.
const GUIDE_COMMAND = `{
"argv": [
"https://wttr.in"
],
"cgroup_id": 2360,
"cluster_name": "purple",
"code": "T4000I",
"ei": 50,
"event": "session.command",
"login": "ec2-user",
"namespace": "default",
"path": "/bin/curl",
"pid": 5007,
"ppid": 4985,
"program": "curl",
"return_code": 0,
"server_hostname": "ip-172-31-34-128.us-east-2.compute.internal",
"server_id": "531dc1de-c2c9-49bd-a0e3-4f4f3a523f5f",
"sid": "86aca627-971d-4883-854d-d309ba04c658",
"time": "2023-07-04T16:42:20.54Z",
"uid": "9b825e22-744d-4130-94c5-dea49198ae3d",
"user": "[email protected]"
}`;

const GUIDE_NETWORK = `{
"action": 0,
"cgroup_id": 2360,
"cluster_name": "purple",
"code": "T4002I",
"dst_addr": "5.9.243.187",
"dst_port": 443,
"ei": 51,
"event": "session.network",
"login": "ec2-user",
"namespace": "default",
"operation": 0,
"pid": 5007,
"program": "curl",
"server_hostname": "ip-172-31-34-128.us-east-2.compute.internal",
"server_id": "531dc1de-c2c9-49bd-a0e3-4f4f3a523f5f",
"sid": "86aca627-971d-4883-854d-d309ba04c658",
"src_addr": "172.31.34.128",
"time": "2023-07-04T16:42:20.55Z",
"uid": "da151350-bf45-4a04-a62b-7a4fc805e744",
"user": "[email protected]",
"version": 4
}`;

const GUIDE_END = `{
"code": "T2004I",
"ei": 23,
"enhanced_recording": true,
"event": "session.end",
"interactive": true,
"namespace": "default",
"participants": [
"[email protected]"
],
"server_id": "585fc225-5cf9-4e9f-8ff6-1b0fd6885b09",
"sid": "ca82b98d-1d30-11ea-8244-cafde5327a6c",
"time": "2019-12-12T22:44:46.218Z",
"uid": "83e67464-a93a-4c7c-8ce6-5a3d8802c3b2",
"user": "[email protected]"
}`;

type Json = Record<string, unknown>;
const guide = (text: string): Json => JSON.parse(text) as Json;

/** Options that make the constructor produce a given time and uid. */
function fixed(example: Json, clusterName = "purple"): EventOptions {
  return {
    clusterName,
    now: () => new Date(example["time"] as string),
    uid: () => example["uid"] as string,
  };
}

function shape(event: object): Record<string, string> {
  const json = JSON.parse(eventJsonLine(event)) as Json;
  return Object.fromEntries(
    Object.keys(json)
      .sort()
      .map((key) => [key, Array.isArray(json[key]) ? "array" : typeof json[key]]),
  );
}

describe("the guide's examples", () => {
  for (const [name, text] of [
    ["session.command", GUIDE_COMMAND],
    ["session.network", GUIDE_NETWORK],
    ["session.end", GUIDE_END],
  ] as const) {
    it(`${name} parses as a known event, unchanged`, () => {
      const event = parseAuditEvent(guide(text));
      assert.equal(event.event, name);
      assert.deepEqual(JSON.parse(eventJsonLine(event)), guide(text));
    });
  }

  it("session.command built by a session stream has the guide's fields, types, code and text", () => {
    const example = guide(GUIDE_COMMAND);
    const stream = new SessionEventStream(
      {
        sid: "86aca627-971d-4883-854d-d309ba04c658",
        user: "[email protected]",
        login: "ec2-user",
        server_id: "531dc1de-c2c9-49bd-a0e3-4f4f3a523f5f",
        server_hostname: "ip-172-31-34-128.us-east-2.compute.internal",
      },
      fixed(example),
      50,
    );
    const event = stream.next("session.command", {
      pid: 5007,
      ppid: 4985,
      cgroup_id: 2360,
      program: "curl",
      path: "/bin/curl",
      argv: ["https://wttr.in"],
      return_code: 0,
    });
    assert.deepEqual(shape(event), shape(example));
    assert.equal(eventJsonLine(event), `${JSON.stringify(example)}\n`);
  });

  it("session.network built by the constructor has the guide's fields, types, code and text", () => {
    const example = guide(GUIDE_NETWORK);
    const event = createEvent(
      "session.network",
      {
        sid: "86aca627-971d-4883-854d-d309ba04c658",
        ei: 51,
        user: "[email protected]",
        login: "ec2-user",
        namespace: "default",
        server_id: "531dc1de-c2c9-49bd-a0e3-4f4f3a523f5f",
        server_hostname: "ip-172-31-34-128.us-east-2.compute.internal",
        pid: 5007,
        cgroup_id: 2360,
        program: "curl",
        src_addr: "172.31.34.128",
        dst_addr: "5.9.243.187",
        dst_port: 443,
        version: 4,
        operation: 0,
        action: 0,
      },
      fixed(example),
    );
    assert.deepEqual(shape(event), shape(example));
    assert.equal(eventJsonLine(event), `${JSON.stringify(example)}\n`);
  });

  it("session.end built by the constructor has the guide's fields and types, plus cluster_name", () => {
    const example = guide(GUIDE_END);
    const stream = new SessionEventStream(
      {
        sid: "ca82b98d-1d30-11ea-8244-cafde5327a6c",
        user: "[email protected]",
        server_id: "585fc225-5cf9-4e9f-8ff6-1b0fd6885b09",
      },
      fixed(example),
      23,
    );
    const event = stream.next("session.end", {
      enhanced_recording: true,
      interactive: true,
      participants: ["[email protected]"],
    });
    // Every event carries cluster_name (DESIGN §4); the guide's 2019 example predates it.
    assert.deepEqual(shape(event), { ...shape(example), cluster_name: "string" });
    const { cluster_name: cluster, ...rest } = JSON.parse(eventJsonLine(event)) as Json;
    assert.equal(cluster, "purple");
    assert.deepEqual(rest, example);
  });

  it("enhancedEvent with a stream's context gives the same event as the stream", () => {
    const example = guide(GUIDE_COMMAND);
    const stream = new SessionEventStream(
      {
        sid: "86aca627-971d-4883-854d-d309ba04c658",
        user: "[email protected]",
        login: "ec2-user",
        server_id: "531dc1de-c2c9-49bd-a0e3-4f4f3a523f5f",
        server_hostname: "ip-172-31-34-128.us-east-2.compute.internal",
      },
      fixed(example),
      50,
    );
    const record: ExecRecord = {
      kind: "exec",
      sessionKey: 1n,
      cgroupId: 2360n,
      ktimeNs: 0n,
      pid: 5007,
      ppid: 4985,
      comm: "curl",
      returnCode: 0,
      path: "/bin/curl",
      argv: ["curl", "https://wttr.in"],
      pathTruncated: false,
      pathUnreadable: false,
      argsTruncated: false,
      argsUnreadable: false,
    };
    const event = enhancedEvent(record, stream.context(new Date("2023-07-04T16:42:20.54Z")));
    assert.equal(eventJsonLine(event), `${JSON.stringify(example)}\n`);
    assert.equal(stream.nextIndex, 51);
  });
});

// One valid set of specific fields per known type: every type is built, coded and parsed back.
const SAMPLES: { [T in KnownEventType]: () => AuditEvent } = {
  "user.login": () =>
    createEvent("user.login", { user: "alice", method: "local", success: true }, OPTS),
  auth: () =>
    createEvent(
      "auth",
      { user: "alice", login: "root", server_id: "n-1", success: false, error: "expired" },
      OPTS,
    ),
  "session.start": () => stream().next("session.start", { size: "80:25", initial_command: [] }),
  "session.join": () => stream().next("session.join", {}),
  resize: () => stream().next("resize", { size: "120:40" }),
  "session.leave": () => stream().next("session.leave", {}),
  "session.end": () =>
    stream().next("session.end", {
      enhanced_recording: true,
      interactive: true,
      participants: ["alice"],
      session_start: "2024-05-01T10:00:00Z",
      session_stop: "2024-05-01T10:05:00.5Z",
    }),
  "session.upload": () => stream().next("session.upload", { url: "file:///var/lib/x" }),
  "session.data": () => stream().next("session.data", { tx: 10, rx: 20 }),
  exec: () => stream().next("exec", { command: "ls", exitCode: "0" }),
  "session.command": () =>
    stream().next("session.command", {
      ...BPF,
      path: "/bin/ls",
      argv: ["-l"],
      ppid: 1,
      return_code: 0,
    }),
  "session.disk": () =>
    stream().next("session.disk", { ...BPF, path: "/etc/hosts", flags: 0, return_code: 3 }),
  "session.network": () =>
    stream().next("session.network", {
      ...BPF,
      src_addr: "::1",
      dst_addr: "::1",
      dst_port: 22,
      version: 6,
      operation: 0,
      action: 1,
    }),
  "session.events_lost": () =>
    stream().next("session.events_lost", {
      lost: {
        kernel: { command: 1, disk: 2, network: 0 },
        user: { command: 0, disk: 0, network: 0 },
      },
      total: 3,
    }),
  print: () => stream().next("print", { bytes: 5, ms: 120, offset: 0, ci: 0 }),
  "session.recording.access": () =>
    createEvent("session.recording.access", { sid: "s-1", user: "auditor" }, OPTS),
};
const OPTS: EventOptions = { clusterName: "c1", now: () => new Date("2024-05-01T10:00:00.100Z") };
const BPF = { pid: 10, cgroup_id: 99, program: "ls" };
const stream = (): SessionEventStream =>
  new SessionEventStream({ sid: "s-1", user: "alice" }, OPTS);

describe("createEvent", () => {
  it("covers every known type", () => {
    assert.deepEqual(Object.keys(SAMPLES).sort(), [...KNOWN_EVENT_TYPES].sort());
  });

  for (const type of KNOWN_EVENT_TYPES) {
    it(`${type}: code, common fields, and parses back unchanged`, () => {
      const event = SAMPLES[type]();
      const codes: readonly string[] = EVENT_CODES[type];
      if (codes.length === 0) assert.equal("code" in event, false, "print has no code");
      else assert.ok(codes.includes(event.code ?? ""), `code ${event.code}`);
      assert.equal(event.event, type);
      assert.equal(event.time, "2024-05-01T10:00:00.1Z");
      assert.match(
        event.uid ?? "",
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      assert.equal((event as { cluster_name?: string }).cluster_name, "c1");
      assert.deepEqual(parseAuditEvent(JSON.parse(eventJsonLine(event))), event);
    });
  }

  it("derives the failure codes of exec and user.login", () => {
    const s = stream();
    assert.equal(s.next("exec", { command: "ls", exitCode: "0" }).code, "T3002I");
    assert.equal(s.next("exec", { command: "nope", exitCode: "127" }).code, "T3002E");
    assert.equal(s.next("exec", { command: "x", exitError: "signal: killed" }).code, "T3002E");
    const login = (success: boolean) =>
      createEvent("user.login", { user: "a", method: "local", success }, OPTS).code;
    assert.deepEqual([login(true), login(false)], ["T1000I", "T1000W"]);
  });
});

describe("SessionEventStream", () => {
  it("numbers a session's events 0, 1, 2… and fills the session's fields", () => {
    const s = new SessionEventStream(
      { sid: "abc", user: "alice", login: "root", server_id: "node-1" },
      OPTS,
    );
    const events = [
      s.next("session.start", { size: "80:24" }),
      s.next("print", { bytes: 3, ms: 5, offset: 0, ci: 0 }),
      s.next("session.leave", { user: "bob" }),
    ];
    assert.deepEqual(
      events.map((e) => [e.ei, e.sid, e.user, e.login, e.namespace, e.server_id]),
      [
        [0, "abc", "alice", "root", "default", "node-1"],
        [1, "abc", "alice", "root", "default", "node-1"],
        [2, "abc", "bob", "root", "default", "node-1"],
      ],
    );
    assert.equal(s.context().ei, 3, "context() takes the next index too");
    assert.equal(s.nextIndex, 4);
  });

  it("takes a per-event time, e.g. the kernel's", () => {
    const event = stream().next("session.join", {}, new Date("2024-01-02T03:04:05.006Z"));
    assert.equal(event.time, "2024-01-02T03:04:05.006Z");
  });

  it("lostEventsEvent with a stream context is a valid session.events_lost", () => {
    const lost = lostEventsEvent(
      {
        lost: {
          kernel: { command: 0, disk: 4, network: 0 },
          user: { command: 0, disk: 1, network: 0 },
        },
      },
      stream().context(),
    );
    assert.ok(lost);
    const parsed = parseAuditEvent(JSON.parse(eventJsonLine(lost)));
    assert.ok(isEventOfType(parsed, "session.events_lost"));
    assert.equal(parsed.total, 5);
  });
});

function parseError(json: unknown): AuditEventParseError {
  try {
    parseAuditEvent(json);
  } catch (err) {
    assert.ok(err instanceof AuditEventParseError, String(err));
    return err;
  }
  assert.fail("expected an AuditEventParseError");
}

describe("parseAuditEvent errors", () => {
  it("names a wrong field type of a known event", () => {
    const err = parseError({ ...guide(GUIDE_NETWORK), dst_port: "443" });
    assert.equal(err.eventType, "session.network");
    assert.deepEqual(
      err.issues.map((i) => i.field),
      ["dst_port"],
    );
    assert.match(
      err.message,
      /^invalid session\.network event: field "dst_port": .*expected number, received string/,
    );
  });

  it("names nested fields, missing fields and a code that is not the type's", () => {
    assert.match(
      parseError({ ...guide(GUIDE_COMMAND), argv: ["a", 1] }).message,
      /field "argv\[1\]"/,
    );
    const missing = guide(GUIDE_COMMAND);
    delete missing["return_code"];
    assert.match(parseError(missing).message, /field "return_code": .*received undefined/);
    assert.match(parseError({ ...guide(GUIDE_COMMAND), code: "T4001I" }).message, /field "code"/);
    assert.match(parseError({ ...guide(GUIDE_END), time: "yesterday" }).message, /field "time"/);
    const lost = SAMPLES["session.events_lost"]() as LostEventsEvent;
    const bad = { ...lost, lost: { ...lost.lost, kernel: { ...lost.lost.kernel, disk: -1 } } };
    assert.match(parseError(bad).message, /field "lost\.kernel\.disk"/);
  });

  it("keeps an unknown event type whole but checks its common fields", () => {
    const future = {
      event: "session.future",
      code: "T9999I",
      time: "2030-01-01T00:00:00Z",
      uid: "u-1",
      nested: { anything: [1, 2] },
    };
    assert.deepEqual(parseAuditEvent(future), future);
    const noUid: Record<string, unknown> = { ...future };
    delete noUid["uid"];
    assert.match(parseError(noUid).message, /^invalid session\.future event: field "uid"/);
  });

  it("keeps fields a known type does not model (Teleport writes many more)", () => {
    const event = {
      ...guide(GUIDE_END),
      "addr.remote": "10.0.0.1:5000",
      server_labels: { a: "b" },
    };
    assert.deepEqual(parseAuditEvent(event), event);
  });

  it("rejects what is not an event object, and lines that are not JSON", () => {
    assert.match(parseError([1]).message, /expected a JSON object/);
    assert.match(parseError(null).message, /expected a JSON object/);
    assert.match(
      parseError({ code: "T1", time: "2030-01-01T00:00:00Z", uid: "u" }).message,
      /field "event"/,
    );
    assert.throws(() => parseAuditEventLine("{garbage"), /invalid audit event: not JSON/);
  });
});

// Compile-time: the older builders' outputs are audit events (tsc fails otherwise).
export type EnhancedIsAuditEvent = EnhancedEvent extends AuditEvent ? true : never;
export type LostIsAuditEvent = LostEventsEvent extends AuditEvent ? true : never;
export const builderTypesAreAuditEvents: [EnhancedIsAuditEvent, LostIsAuditEvent] = [true, true];
