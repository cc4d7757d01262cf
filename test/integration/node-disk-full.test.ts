// The node's disk fills up while a session is being recorded: the session goes on, its output
// reaches the client whole, its audit events reach auth, the node says what was not recorded,
// and it leaves no file open. (Before, the next output threw from the output handler: in a
// teleport process, an uncaught exception that stopped the node and every session on it.)
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { uploadDir } from "../../src/recording/index.js";
import { startNodeFixture, type NodeFixture, type UserFiles } from "./node-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (BPF, cgroups, mount)" : false;

/** Paths this process has open under `dir`. */
function openUnder(dir: string): string[] {
  const open: string[] = [];
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      if (target.startsWith(`${dir}/`)) open.push(target);
    } catch {
      // closed while listed
    }
  }
  return open;
}

describe("a full disk under the recordings", { skip }, () => {
  let f: NodeFixture;
  let alice: UserFiles;
  let full = "";

  before(async () => {
    f = await startNodeFixture();
    alice = await f.addUser("alice", { roles: ["access"], logins: ["root"] });
    full = uploadDir(f.dataDir);
    mkdirSync(full, { recursive: true });
    // 1 MiB: the session below prints 8 MiB that hardly compresses.
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=1m", "tmpfs", full]);
  });

  after(async () => {
    await f?.close();
    if (full === "") return;
    try {
      execFileSync("umount", [full], { stdio: "pipe" });
    } catch {
      execFileSync("umount", ["-l", full]);
    }
  });

  /** The log lines of the node's log file that contain `text`. */
  function logLines(text: string): string[] {
    return readFileSync(f.logFile, "utf8")
      .split("\n")
      .filter((line) => line.includes(text));
  }

  it("keeps the session going and says what was not recorded", async () => {
    const command = "head -c 6M /dev/urandom | base64 -w0";
    const result = await f.ssh(alice, "root", command);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.length, 8 * 1024 * 1024, "every byte of output reached the client");

    // With the disk still full, a new session cannot be recorded, so it does not start.
    const next = await f.ssh(alice, "root", "echo unrecorded");
    assert.equal(next.status, 255);
    assert.equal(next.stdout, "");
    assert.match(
      next.stderr,
      /this session must be recorded and its recording cannot be created on the node \(.*no space left on device/i,
    );

    const deadline = Date.now() + 30_000;
    let incomplete: string[] = [];
    while ((incomplete = logLines("is incomplete")).length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(incomplete.length >= 1, true, "the node logs the incomplete recording");
    const line = JSON.parse(incomplete[0] ?? "{}") as Record<string, unknown>;
    assert.match(String(line["message"]), /no space left on device/);
    assert.match(String(line["message"]), /its output from then on was not recorded/);
    assert.match(String(line["message"]), /free disk space first/);

    // The session's audit events reached auth all the same.
    const ends = await f.auth.admin.searchEvents({ types: "session.end", limit: "100" });
    const commands = ends.events.map((e) => JSON.stringify(e["initial_command"]));
    assert.ok(commands.includes(JSON.stringify([command])), commands.join(", "));

    assert.deepEqual(openUnder(full), [], "no recording file left open");
  });
});
