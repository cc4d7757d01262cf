// Many sessions at once on one node, each with its own commands, while the same Unix user runs
// commands outside any session: every session's audit events name exactly its own commands, none
// of another session's and none of the outsider's (attribution by process lineage, DESIGN §3).
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { addHostAccount, type HostAccount } from "../helpers/host-account.js";
import { startNodeFixture, type NodeFixture, type UserFiles } from "./node-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (BPF, cgroups, setuid)" : false;
const SESSIONS = 50;
const OUTSIDE = `outside-marker-${process.pid}`;

type AuditEvent = Record<string, unknown>;

/** Session N's command: three programs, each naming N its own way. */
const commandOf = (n: number): string =>
  `/bin/echo session-${n}; /bin/true session-${n}-x; /bin/cat /etc/hostname`;

/** What session N runs, as "path argv" lines: the shell the node starts, then its commands. */
function expectedCommands(n: number): string[] {
  return [
    `/bin/sh ${JSON.stringify(["-c", commandOf(n)])}`,
    `/bin/echo ${JSON.stringify([`session-${n}`])}`,
    `/bin/true ${JSON.stringify([`session-${n}-x`])}`,
    `/bin/cat ${JSON.stringify(["/etc/hostname"])}`,
  ].sort();
}

/** The session numbers an event's argv mentions ("session-7", "session-7-x" → 7). */
function mentionedSessions(event: AuditEvent): number[] {
  const argv = Array.isArray(event["argv"]) ? event["argv"].map(String) : [];
  return [...argv.join(" ").matchAll(/\bsession-(\d+)\b/g)].map((m) => Number(m[1]));
}

/** Kills the process by pid (if it still runs) and waits until it is gone. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const closed = new Promise((resolve) => child.once("close", resolve));
  process.kill(child.pid, "SIGKILL");
  await closed;
}

describe("concurrent sessions on one node", { skip }, () => {
  let f: NodeFixture;
  let account: HostAccount | undefined;
  let user: UserFiles;
  let outsider: ChildProcess | undefined;

  before(async () => {
    f = await startNodeFixture();
    account = addHostAccount();
    user = await f.addUser("carol", { roles: ["access"], logins: [account.login] });
  });

  after(async () => {
    if (outsider) await stop(outsider);
    await f?.close();
    account?.remove();
  });

  it(`attributes each of ${SESSIONS} simultaneous sessions' commands to it alone`, async () => {
    assert.ok(account);
    const login = account.login;
    // The same user, outside any session, exec'ing all the while.
    outsider = spawn("/bin/sh", ["-c", `while :; do /bin/echo ${OUTSIDE}; done`], {
      uid: account.uid,
      gid: account.gid,
      stdio: ["ignore", "pipe", "ignore"],
    });
    let outsideRuns = 0;
    outsider.stdout?.on(
      "data",
      (d: Buffer) => (outsideRuns += d.toString().split("\n").length - 1),
    );

    const hostname = readFileSync("/etc/hostname", "utf8");
    const numbers = Array.from({ length: SESSIONS }, (_, i) => i + 1);
    const results = await Promise.all(numbers.map((n) => f.ssh(user, login, commandOf(n))));
    const runsDuringSessions = outsideRuns;
    await stop(outsider);

    results.forEach((result, i) => {
      const n = i + 1;
      assert.equal(result.status, 0, `session ${n} (ssh refused or failed?): ${result.stderr}`);
      assert.equal(result.stdout, `session-${n}\n${hostname}`, `session ${n}: ${result.stderr}`);
    });
    assert.ok(runsDuringSessions > 0, "the outside loop ran while the sessions did");

    const sids = await f.recordings(SESSIONS);
    assert.equal(sids.length, SESSIONS, "one recording per session");
    const seen = new Map<number, string>();
    for (const sid of sids) {
      const { events } = await f.auth.admin.searchEvents({ sid, limit: "1000" });
      const start = events.filter((e) => e["event"] === "session.start");
      assert.equal(start.length, 1, `${sid}: one session.start`);
      const initial = start[0]?.["initial_command"];
      const n = Number(
        /session-(\d+);/.exec(Array.isArray(initial) ? String(initial[0]) : "")?.[1],
      );
      assert.ok(n >= 1 && n <= SESSIONS, `${sid}: session.start names its command: ${initial}`);
      assert.equal(
        seen.get(n),
        undefined,
        `session ${n} has two recordings: ${seen.get(n)} ${sid}`,
      );
      seen.set(n, sid);

      const commands = events.filter((e) => e["event"] === "session.command");
      const got = commands.map((e) => `${String(e["path"])} ${JSON.stringify(e["argv"])}`).sort();
      assert.deepEqual(got, expectedCommands(n), `session ${n} (${sid}) ran exactly its commands`);
      for (const event of commands) {
        assert.equal(event["return_code"], 0, JSON.stringify(event));
        assert.deepEqual(
          [...new Set([...mentionedSessions(event), n])],
          [n],
          `session ${n} got another session's command: ${JSON.stringify(event)}`,
        );
      }
      for (const event of events) {
        assert.ok(
          !JSON.stringify(event).includes(OUTSIDE),
          `outsider in ${n}: ${JSON.stringify(event)}`,
        );
      }
      const kinds = events.map((e) => String(e["event"]));
      for (const absent of ["session.network", "session.disk", "session.events_lost"]) {
        assert.ok(!kinds.includes(absent), `session ${n} has ${absent}: ${kinds.join(", ")}`);
      }
      assert.equal(kinds.filter((k) => k === "session.end").length, 1, `session ${n}: one end`);
    }
    assert.equal(seen.size, SESSIONS);
  });
});
