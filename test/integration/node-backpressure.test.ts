// A client that reads slower than the session's program writes: the node holds the program back
// (as sshd does) instead of queueing the output in its memory, and every byte still arrives.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, describe, it } from "node:test";
import { startNodeFixture, type NodeFixture } from "./node-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (cgroups, setuid)" : false;
const MIB = 1024 * 1024;
const OUTPUT_MIB = 300;

/** Runs `shell` (an ssh pipeline); resolves with its stdout. */
function run(shell: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn("/bin/sh", ["-c", shell], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) =>
    child.on("close", (status) => resolve({ status, stdout, stderr })),
  );
}

describe("output to a slow client", { skip }, () => {
  let fixture: NodeFixture | undefined;
  after(() => fixture?.close());

  it("arrives whole while the node's memory stays far below the output's size", async () => {
    fixture = await startNodeFixture({ enhanced: false });
    const user = await fixture.addUser("alice", { roles: ["access"], logins: ["root"] });
    const quoted = fixture
      .sshArgs(user, "root", `head -c ${OUTPUT_MIB}M /dev/zero`)
      .map((arg) => `'${arg.replaceAll("'", `'\\''`)}'`)
      .join(" ");
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    // The reader sleeps first: without backpressure the whole output would pile up in the node.
    const result = await run(`ssh -F /dev/null -o BatchMode=yes ${quoted} | (sleep 4; wc -c)`);
    clearInterval(sampler);
    assert.equal(result.stdout.trim(), String(OUTPUT_MIB * MIB), result.stderr);
    const grown = (peak - baseline) / MIB;
    assert.ok(grown < OUTPUT_MIB / 3, `the node grew by ${grown.toFixed(0)} MiB`);
  });
});
