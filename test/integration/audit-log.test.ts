// The file audit log on real files: layout, rotation, modes, paging, pruning, damage.
import assert from "node:assert/strict";
import {
  appendFileSync,
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  AuditLogCursorError,
  AuditLogError,
  AuditLogQueryError,
  createEvent,
  eventJsonLine,
  FileAuditLog,
  FileAuditLogReader,
  type AuditEvent,
  type AuditEventOf,
  type AuditSearchQuery,
  type FileAuditLogOptions,
} from "../../src/events/index.js";
import { tempDir } from "../helpers/tmp.js";

const SERVER = "1048a649-8f3f-4431-9529-0c53339b65a5";
const day = (name: string): string => `${name}.00:00:00.log`;

/** A clock the test moves. */
function clock(start: string): { now: () => Date; set: (time: string | number) => void } {
  let current = new Date(start);
  return { now: () => current, set: (time) => (current = new Date(time)) };
}

async function openLog(options: Partial<FileAuditLogOptions> = {}): Promise<FileAuditLog> {
  // A folder the log creates, so that its mode is the log's.
  const dir = join(tempDir(), "log");
  return FileAuditLog.open({ dir, serverId: SERVER, fsync: "never", ...options });
}

let counter = 0;
/** A session.command event at `time`, numbered so tests can tell events apart. */
function command(
  time: string | number,
  fields: { sid?: string; user?: string } = {},
): AuditEventOf<"session.command"> {
  const n = counter++;
  return createEvent(
    "session.command",
    {
      sid: fields.sid ?? "sid-1",
      ei: n,
      user: fields.user ?? "alice",
      login: "root",
      server_id: "node-1",
      pid: 100,
      cgroup_id: 7,
      program: "curl",
      path: "/usr/bin/curl",
      argv: [`n=${n}`],
      ppid: 1,
      return_code: 0,
    },
    { clusterName: "purple", now: () => new Date(time) },
  );
}

function lines(path: string): string[] {
  const text = readFileSync(path, "utf8");
  return text === "" ? [] : text.slice(0, -1).split("\n");
}

/** Walks every page of a query; returns the events and every page's problems. */
async function walk(
  log: FileAuditLogReader,
  query: AuditSearchQuery,
  between?: (page: number) => Promise<void>,
): Promise<{ events: AuditEvent[]; problems: string[]; pages: number }> {
  const events: AuditEvent[] = [];
  const problems: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await log.search({ ...query, cursor });
    events.push(...page.events);
    problems.push(...page.problems);
    cursor = page.nextCursor;
    pages++;
    if (cursor !== undefined) await between?.(pages);
  } while (cursor !== undefined);
  return { events, problems, pages };
}

describe("file audit log layout", () => {
  it("writes <dir>/<server>/YYYY-MM-DD.00:00:00.log and points events.log at it", async () => {
    const time = clock("2020-01-13T10:00:00Z");
    const log = await openLog({ now: time.now });
    const event = command("2020-01-13T10:00:00Z");
    await log.append([event]);
    await log.close();
    const file = join(log.layout.dir, SERVER, day("2020-01-13"));
    assert.equal(
      readlinkSync(join(log.layout.dir, "events.log")),
      file,
      "absolute, as in the guide",
    );
    assert.deepEqual(lines(file), [eventJsonLine(event).trimEnd()], "one canonical JSON line");
    assert.match(lines(file)[0] ?? "", /^\{"argv":\["n=\d+"\],"cgroup_id":7,/, "keys sorted");
  });

  it("creates files 0640 and folders 0750 whatever the umask", async () => {
    const old = process.umask(0o077);
    try {
      const time = clock("2024-03-01T12:00:00Z");
      const log = await openLog({ now: time.now });
      await log.append([command("2024-03-01T12:00:00Z"), command("2024-02-28T12:00:00Z")]);
      await log.search({ from: new Date("2024-02-28"), to: new Date("2024-03-02") });
      await log.close();
      const serverDir = join(log.layout.dir, SERVER);
      assert.equal(statSync(log.layout.dir).mode & 0o777, 0o750);
      assert.equal(statSync(serverDir).mode & 0o777, 0o750);
      const names = readdirSync(serverDir).sort();
      assert.deepEqual(names, ["2024-02-28.00:00:00.idx", day("2024-02-28"), day("2024-03-01")]);
      for (const name of names) {
        assert.equal(statSync(join(serverDir, name)).mode & 0o777, 0o640, name);
      }
    } finally {
      process.umask(old);
    }
  });

  it("refuses to replace an events.log that is not a symlink", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "events.log"), "operator's file\n");
    await assert.rejects(
      FileAuditLog.open({ dir, serverId: SERVER }),
      (err: Error) =>
        err instanceof AuditLogError && /not a symlink; move it away/.test(err.message),
    );
    assert.equal(readFileSync(join(dir, "events.log"), "utf8"), "operator's file\n");
  });

  it("rejects a server id that is not a folder name", async () => {
    await assert.rejects(
      FileAuditLog.open({ dir: tempDir(), serverId: "../x" }),
      /server id "\.\.\/x" cannot be a folder name/,
    );
  });

  it("appends nothing of a batch with an invalid event, and says which", async () => {
    const time = clock("2024-03-01T12:00:00Z");
    const log = await openLog({ now: time.now });
    const bad = { ...command("2024-03-01T12:00:00Z"), dst_port: 1, pid: "100" } as AuditEvent;
    await assert.rejects(
      log.append([command("2024-03-01T12:00:00Z"), bad]),
      /nothing appended: event 1 of 2: invalid session.command event: field "pid"/,
    );
    await log.close();
    assert.deepEqual(lines(join(log.layout.dir, SERVER, day("2024-03-01"))), []);
  });
});

describe("rotation at midnight (injected clock)", () => {
  it("keeps events.log valid after every append and puts each line in its day's file", async () => {
    const time = clock("2024-02-29T23:59:58Z");
    const log = await openLog({ now: time.now });
    const link = join(log.layout.dir, "events.log");
    const serverDir = join(log.layout.dir, SERVER);
    const start = Date.parse("2024-02-29T23:59:58Z");
    const expected = new Map<string, string[]>();
    for (let ms = 0; ms <= 4000; ms += 250) {
      time.set(start + ms);
      const event = command(start + ms);
      await log.append([event]);
      const today = time.now().toISOString().slice(0, 10);
      const list = expected.get(today) ?? [];
      list.push(eventJsonLine(event).trimEnd());
      expected.set(today, list);
      assert.ok(lstatSync(link).isSymbolicLink());
      assert.equal(
        readlinkSync(link),
        join(serverDir, day(today)),
        `at ${time.now().toISOString()}`,
      );
      const viaLink = lines(link);
      assert.equal(viaLink.at(-1), eventJsonLine(event).trimEnd(), "last line, through events.log");
    }
    // An event made before midnight but appended after goes to its own day's file.
    const late = command("2024-02-29T23:59:59.999Z");
    await log.append([late]);
    await log.close();
    assert.deepEqual([...expected.keys()], ["2024-02-29", "2024-03-01"]);
    assert.deepEqual(lines(join(serverDir, day("2024-02-29"))), [
      ...(expected.get("2024-02-29") ?? []),
      eventJsonLine(late).trimEnd(),
    ]);
    assert.deepEqual(lines(join(serverDir, day("2024-03-01"))), expected.get("2024-03-01"));
    assert.equal(readlinkSync(link), join(serverDir, day("2024-03-01")));
    assert.ok(existsSync(join(serverDir, "2024-02-29.00:00:00.idx")), "finished day indexed");
    assert.deepEqual(
      readdirSync(log.layout.dir).sort(),
      [SERVER, "events.log"].sort(),
      "no temporary symlink left",
    );
  });

  for (const fsync of ["always", "interval", "never"] as const) {
    it(`fsync "${fsync}": appends across a rotation, closes, then refuses appends`, async () => {
      const time = clock("2024-01-01T23:59:59Z");
      const log = await openLog({ now: time.now, fsync, fsyncIntervalMs: 5 });
      await log.append([command("2024-01-01T23:59:59Z")]);
      await new Promise((resolve) => setTimeout(resolve, 20)); // let the interval sync run
      time.set("2024-01-02T00:00:01Z");
      await log.append([command("2024-01-02T00:00:01Z"), command("2024-01-01T23:59:59.5Z")]);
      await log.close();
      await log.close();
      await assert.rejects(log.append([command("2024-01-02T00:00:02Z")]), /append after close/);
      const serverDir = join(log.layout.dir, SERVER);
      assert.equal(lines(join(serverDir, day("2024-01-01"))).length, 2);
      assert.equal(lines(join(serverDir, day("2024-01-02"))).length, 1);
    });
  }

  it("rotates on the first append of a day even after a quiet night", async () => {
    const time = clock("2024-01-01T12:00:00Z");
    const log = await openLog({ now: time.now });
    time.set("2024-01-03T08:00:00Z");
    await log.append([command("2024-01-03T08:00:00Z")]);
    await log.close();
    assert.equal(
      readlinkSync(join(log.layout.dir, "events.log")),
      join(log.layout.dir, SERVER, day("2024-01-03")),
    );
  });
});

describe("search", () => {
  /** 3 days × 700 events; every 7th shares its time with the one before (ties). */
  async function threeDays(): Promise<{
    log: FileAuditLog;
    events: AuditEventOf<"session.command">[];
  }> {
    const time = clock("2024-05-04T00:00:00Z");
    const log = await openLog({ now: time.now });
    const events: AuditEventOf<"session.command">[] = [];
    for (let d = 1; d <= 3; d++) {
      let t = Date.parse(`2024-05-0${d}T00:00:00Z`);
      for (let i = 0; i < 700; i++) {
        if (i % 7 !== 0) t += 61_000;
        events.push(command(t, { sid: `sid-${i % 5}`, user: i % 2 ? "alice" : "bob" }));
      }
    }
    for (let i = 0; i < events.length; i += 50) await log.append(events.slice(i, i + 50));
    return { log, events };
  }
  const uids = (events: AuditEvent[]): string[] => events.map((e) => e.uid ?? "");

  it("returns events in time order, ties in file order, with filters", async () => {
    const { log, events } = await threeDays();
    const range = { from: new Date("2024-05-01T00:00:00Z"), to: new Date("2024-05-03T23:59:59Z") };
    const all = await log.search({ ...range, limit: 10_000 });
    assert.deepEqual(uids(all.events), uids(events));
    const desc = await log.search({ ...range, limit: 10_000, order: "desc" });
    assert.deepEqual(uids(desc.events), uids(events).reverse().sort(byTimeDesc(events)));
    const bySid = await log.search({ ...range, sid: "sid-3", user: "alice", limit: 10_000 });
    const want = events.filter((e) => e.sid === "sid-3" && e.user === "alice");
    assert.deepEqual(uids(bySid.events), uids(want));
    const argv = events[12]?.argv[0] ?? "";
    const text = await log.search({ ...range, text: `${argv.toUpperCase()}"]`, limit: 10_000 });
    assert.equal(text.events.length, 1, "case-insensitive substring of the line");
    const types = await log.search({ ...range, eventTypes: ["session.disk"] });
    assert.deepEqual(types.events, []);
    const window = await log.search({
      from: new Date("2024-05-02T01:00:00Z"),
      to: new Date("2024-05-02T02:00:00Z"),
      limit: 10_000,
    });
    const inWindow = events.filter(
      (e) => e.time >= "2024-05-02T01:00:00Z" && e.time <= "2024-05-02T02:00:00Z",
    );
    assert.ok(inWindow.length > 10);
    assert.deepEqual(uids(window.events), uids(inWindow));
    await log.close();
  });

  it("pages through every event exactly once while events are appended between pages", async () => {
    const { log, events } = await threeDays();
    const range = { from: new Date("2024-05-01T00:00:00Z"), to: new Date("2024-05-04T23:59:59Z") };
    const added: AuditEvent[] = [];
    let later = Date.parse("2024-05-04T00:00:00Z");
    const result = await walk(log, { ...range, limit: 97 }, async (page) => {
      // Behind the walk (earlier times), and ahead of it (later times, a new day file).
      const behind = command("2024-05-01T00:00:00.5Z");
      const ahead = command((later += 1000));
      added.push(ahead);
      await log.append([behind, ahead]);
      assert.ok(page < 100, "the walk ends");
    });
    const seen = uids(result.events);
    assert.equal(new Set(seen).size, seen.length, "no event twice");
    assert.deepEqual(
      seen.slice(0, events.length),
      uids(events),
      "every event that was there, once, in order",
    );
    assert.deepEqual(seen.slice(events.length), uids(added), "and those appended ahead of it");
    await log.close();
  });

  it("pages backwards (desc) exactly once too, ties included", async () => {
    const { log, events } = await threeDays();
    const range = { from: new Date("2024-05-01T00:00:00Z"), to: new Date("2024-05-03T23:59:59Z") };
    const result = await walk(log, { ...range, limit: 7, order: "desc" });
    assert.deepEqual(uids(result.events), uids(events).reverse().sort(byTimeDesc(events)));
    assert.equal(result.pages, Math.ceil(events.length / 7) + (events.length % 7 === 0 ? 1 : 0));
    await log.close();
  });

  it("opens only the day files in the range", async () => {
    const time = clock("2024-06-10T00:00:00Z");
    const log = await openLog({ now: time.now });
    for (const d of ["01", "02", "03", "04", "05"]) {
      await log.append([command(`2024-06-${d}T12:00:00Z`)]);
    }
    const serverDir = join(log.layout.dir, SERVER);
    // Garbage in the days outside the range: reading them would report problems.
    appendFileSync(join(serverDir, day("2024-06-01")), "garbage\n");
    appendFileSync(join(serverDir, day("2024-06-05")), "garbage\n");
    const page = await log.search({
      from: new Date("2024-06-02T00:00:00Z"),
      to: new Date("2024-06-04T23:59:59Z"),
    });
    assert.deepEqual(
      page.events.map((e) => e.time),
      ["2024-06-02T12:00:00Z", "2024-06-03T12:00:00Z", "2024-06-04T12:00:00Z"],
    );
    assert.deepEqual(page.problems, []);
    // A day file read gets its line index saved beside it: only the days in range have one.
    assert.deepEqual(
      readdirSync(serverDir)
        .filter((name) => name.endsWith(".idx"))
        .sort(),
      ["2024-06-02.00:00:00.idx", "2024-06-03.00:00:00.idx", "2024-06-04.00:00:00.idx"],
    );
    const wider = await log.search({ from: new Date("2024-06-01"), to: new Date("2024-06-06") });
    assert.equal(wider.problems.length, 2, "the garbage is found once the days are in range");
    await log.close();
  });

  it("skips damaged lines, names them file:line, and returns everything around them", async () => {
    const time = clock("2024-07-09T00:00:00Z");
    const log = await openLog({ now: time.now });
    const file = join(log.layout.dir, SERVER, day("2024-07-08"));
    const before = command("2024-07-08T01:00:00Z");
    const after = command("2024-07-08T03:00:00Z");
    await log.append([before]);
    const wrongType = { ...JSON.parse(eventJsonLine(command("2024-07-08T02:00:00Z"))), pid: "x" };
    appendFileSync(
      file,
      [
        "{garbage",
        "",
        "[1,2,3]",
        '{"event":"session.join","uid":"u"}',
        JSON.stringify(wrongType),
        "\u0000\u0001binary",
      ].join("\n") + "\n",
    );
    await log.append([after]);
    appendFileSync(file, '{"event":"session.join","time":"2024-07-08T04'); // torn last line
    const page = await log.search({ from: new Date("2024-07-08"), to: new Date("2024-07-09") });
    assert.deepEqual(uids(page.events), uids([before, after]));
    assert.deepEqual(
      page.problems.map((p) => p.replace(/: .*/, "")),
      [`${file}:2`, `${file}:4`, `${file}:5`, `${file}:7`, `${file}:9`, `${file}:6`],
    );
    assert.match(page.problems[0] ?? "", /:2: not JSON/);
    assert.match(page.problems[1] ?? "", /:4: not a JSON object/);
    assert.match(page.problems[2] ?? "", /:5: no valid "time"/);
    assert.match(page.problems[3] ?? "", /:7: not JSON/);
    assert.match(page.problems[4] ?? "", /:9: incomplete last line/);
    assert.match(page.problems[5] ?? "", /:6: invalid session.command event: field "pid"/);
    await log.close();
  });

  it("sees what other processes appended, also to a day whose index was saved", async () => {
    const time = clock("2024-08-05T00:00:00Z");
    const log = await openLog({ now: time.now });
    await log.append([command("2024-08-01T10:00:00Z")]);
    const query = { from: new Date("2024-08-01"), to: new Date("2024-08-02") };
    assert.equal((await log.search(query)).events.length, 1);
    assert.ok(existsSync(join(log.layout.dir, SERVER, "2024-08-01.00:00:00.idx")));
    // Another writer appends a late event to the sealed day, after its index was saved.
    const late = command("2024-08-01T11:00:00Z");
    appendFileSync(join(log.layout.dir, SERVER, day("2024-08-01")), eventJsonLine(late));
    const other = new FileAuditLogReader({ dir: log.layout.dir, serverId: SERVER, now: time.now });
    assert.equal(uids((await other.search(query)).events).at(-1), late.uid, "a new reader");
    assert.equal(uids((await log.search(query)).events).at(-1), late.uid, "this process");
    await log.close();
  });

  it("ignores a saved index whose file was replaced", async () => {
    const time = clock("2024-08-05T00:00:00Z");
    const log = await openLog({ now: time.now });
    await log.append([command("2024-08-01T10:00:00Z"), command("2024-08-01T10:00:01Z")]);
    const query = { from: new Date("2024-08-01"), to: new Date("2024-08-02") };
    await log.search(query);
    const file = join(log.layout.dir, SERVER, day("2024-08-01"));
    const replacement = [command("2024-08-01T09:00:00Z"), command("2024-08-01T09:30:00Z")];
    const text = replacement.map(eventJsonLine).join("");
    writeFileSync(`${file}.new`, text);
    renameSync(`${file}.new`, file);
    const other = new FileAuditLogReader({ dir: log.layout.dir, serverId: SERVER, now: time.now });
    assert.deepEqual(uids((await other.search(query)).events), uids(replacement));
    await log.close();
  });

  it("rejects a cursor of another query and a damaged one, with how to go on", async () => {
    const { log } = await threeDays();
    const range = { from: new Date("2024-05-01"), to: new Date("2024-05-04"), limit: 5 };
    const first = await log.search({ ...range, sid: "sid-1" });
    assert.ok(first.nextCursor);
    await assert.rejects(
      log.search({ ...range, sid: "sid-2", cursor: first.nextCursor }),
      (err: Error) => err instanceof AuditLogCursorError && /different query/.test(err.message),
    );
    await assert.rejects(log.search({ ...range, cursor: "abc" }), AuditLogCursorError);
    await assert.rejects(
      log.search({ ...range, limit: 10_001 }),
      (err: Error) => err instanceof AuditLogQueryError && err.field === "limit",
    );
    await log.close();
  });

  it("finds nothing, without error, before the log existed", async () => {
    const log = await openLog({ now: clock("2024-01-01T00:00:00Z").now });
    const page = await log.search({ from: new Date("2000-01-01"), to: new Date("2000-02-01") });
    assert.deepEqual(page, { events: [], problems: [] });
    assert.equal(existsSync(join(log.layout.dir, SERVER, "2000-01-01.00:00:00.log")), false);
    await log.close();
  });
});

/** Sorts uids by their event's time, latest first, keeping the given order for ties. */
function byTimeDesc(events: AuditEvent[]): (a: string, b: string) => number {
  const time = new Map(events.map((e) => [e.uid ?? "", Date.parse(e.time)]));
  return (a, b) => (time.get(b) ?? 0) - (time.get(a) ?? 0);
}
