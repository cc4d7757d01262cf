// Interactive shells at the node: an ssh2 client with a pty that changes its window size, and the
// real OpenSSH client typing into a login shell. The window changes reach the program (stty) and
// the recording (resize events); the session is recorded as interactive.
import assert from "node:assert/strict";
import { chmodSync } from "node:fs";
import { dirname } from "node:path";
import { after, before, describe, it } from "node:test";
import ssh2 from "ssh2";
import { addHostAccount, type HostAccount } from "../helpers/host-account.js";
import { runOpenSsh } from "../helpers/openssh.js";
import { startNodeFixture, type NodeFixture, type UserFiles } from "./node-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (BPF, cgroups, setuid)" : false;

type AuditEvent = Record<string, unknown>;

describe("interactive shells", { skip }, () => {
  let f: NodeFixture;
  let account: HostAccount | undefined;
  let alice: UserFiles;

  before(async () => {
    f = await startNodeFixture();
    account = addHostAccount();
    chmodSync(dirname(account.home), 0o755);
    alice = await f.addUser("alice", { roles: ["access"], logins: [account.login] });
  });
  after(async () => {
    await f?.close();
    account?.remove();
  });

  async function sessionEvents(sid: string): Promise<AuditEvent[]> {
    return (await f.auth.admin.searchEvents({ sid, limit: "1000" })).events;
  }

  const seen = new Set<string>();
  /** The sid of the one recording published since the last call. */
  async function nextSession(): Promise<string> {
    const sids = await f.recordings(seen.size + 1);
    const fresh = sids.filter((sid) => !seen.has(sid));
    assert.equal(fresh.length, 1, `new recordings: ${fresh.join(", ")}`);
    const [sid = ""] = fresh;
    seen.add(sid);
    return sid;
  }

  it("follows window changes of an ssh2 client's pty, in the program and the recording", async () => {
    const login = account?.login ?? "";
    const client = new ssh2.Client();
    let output = "";
    const done = new Promise<number>((resolve, reject) => {
      client.on("error", reject);
      client.on("ready", () => {
        client.shell({ term: "xterm", cols: 80, rows: 24 }, (err, channel) => {
          if (err) return reject(err);
          channel.on("data", (d: Buffer) => {
            output += d.toString();
            // One step at a time: each after the previous answer arrived.
            if (output.includes("24 80") && !output.includes("size-sent")) {
              output += "size-sent";
              channel.setWindow(30, 100, 0, 0);
              channel.write("stty size; exit 7\n");
            }
          });
          channel.on("exit", (code: number) => resolve(code));
          channel.write("stty size\n");
        });
      });
    });
    client.connect(f.ssh2Config(alice, login));
    try {
      assert.equal(await done, 7, output);
    } finally {
      client.end();
    }
    assert.match(output, /30 100/);

    const sid = await nextSession();
    const events = await sessionEvents(sid);
    const start = events.find((e) => e["event"] === "session.start");
    assert.equal(start?.["size"], "80:24");
    assert.equal(start?.["interactive"], true);
    assert.deepEqual(
      events.filter((e) => e["event"] === "resize").map((e) => e["size"]),
      ["100:30"],
    );
    const end = events.find((e) => e["event"] === "session.end");
    assert.equal(end?.["interactive"], true);
    // A shell is no exec request: no exec event.
    assert.equal(events.filter((e) => e["event"] === "exec").length, 0);
    assert.ok(
      events.some((e) => e["event"] === "session.command" && e["path"] === "/usr/bin/stty"),
    );
  });

  it("gives the real OpenSSH client a login shell in a pty (ssh -tt, no command)", async () => {
    const login = account?.login ?? "";
    const result = await runOpenSsh(
      ["-tt", ...f.sshArgs(alice, login)],
      "echo shell-$((6 * 7)); exit 5\n",
    );
    assert.equal(result.status, 5, result.stderr);
    assert.match(result.stdout, /shell-42\r\n/);
    const sid = await nextSession();
    const events = await sessionEvents(sid);
    const end = events.find((e) => e["event"] === "session.end");
    assert.equal(end?.["interactive"], true);
    const data = events.find((e) => e["event"] === "session.data");
    assert.ok(Number(data?.["rx"]) > 0, "the typed bytes count as received");
  });
});
