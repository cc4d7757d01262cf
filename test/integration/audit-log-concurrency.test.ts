// Ten processes append to one file audit log at the same time: no line may be torn or lost.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { FileAuditLogReader, parseAuditEvent, type AuditEvent } from "../../src/events/index.js";
import { tempDir } from "../helpers/tmp.js";

const WRITERS = 10;
const EACH = 10_000;
const SERVER = "auth-uuid";
const script = fileURLToPath(new URL("../fixtures/audit-log-writer.ts", import.meta.url));

function startWriter(dir: string, id: number): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", script, dir, SERVER, String(id), String(EACH)],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`writer ${id} exited early (${code})`)));
    if (child.stdout === null) throw new Error("spawned with a stdout pipe");
    createInterface({ input: child.stdout }).once("line", () => resolve());
  });
  return { child, ready };
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once("exit", (code) => resolve(code));
  });
}

test(
  `${WRITERS} processes × ${EACH} events: every line whole, none lost`,
  { timeout: 60_000 },
  async () => {
    const dir = tempDir();
    const writers = Array.from({ length: WRITERS }, (_, id) => startWriter(dir, id));
    await Promise.all(writers.map((w) => w.ready));
    // All start appending at once, after their start-up.
    for (const { child } of writers) child.stdin?.write("go\n");
    const codes = await Promise.all(writers.map((w) => exited(w.child)));
    assert.deepEqual(codes, Array(WRITERS).fill(0));

    // Normally one day file; two when the test runs across midnight UTC.
    const serverDir = join(dir, SERVER);
    const files = readdirSync(serverDir).filter((name) => name.endsWith(".log"));
    const lines = files.flatMap((name) => {
      const text = readFileSync(join(serverDir, name), "utf8");
      assert.ok(text.endsWith("\n"), `${name} ends with a complete line`);
      return text.slice(0, -1).split("\n");
    });
    assert.equal(lines.length, WRITERS * EACH);
    const next = Array<number>(WRITERS).fill(0);
    let switches = 0;
    let previous = -1;
    for (const [n, line] of lines.entries()) {
      const event = parseAuditEvent(JSON.parse(line)) as AuditEvent & {
        pid: number;
        argv: string[];
      };
      // Each writer's appends are sequential, so its events keep their order in the file.
      assert.equal(
        Number(event.argv[0]),
        next[event.pid],
        `line ${n + 1}: writer ${event.pid} in order`,
      );
      next[event.pid] = (next[event.pid] ?? 0) + 1;
      if (event.pid !== previous) switches++;
      previous = event.pid;
    }
    assert.deepEqual(next, Array(WRITERS).fill(EACH));
    // Proof that the writes really overlapped (written one process after another, it would be 10).
    assert.ok(switches > 10 * WRITERS, `only ${switches} changes of writer between lines`);

    // And the search of another process finds all of them, page by page.
    const reader = new FileAuditLogReader({ dir, serverId: SERVER });
    const range = { from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000) };
    let found = 0;
    let cursor: string | undefined;
    do {
      const page = await reader.search({ ...range, limit: 10_000, cursor });
      assert.deepEqual(page.problems, []);
      found += page.events.length;
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    assert.equal(found, WRITERS * EACH);
  },
);
