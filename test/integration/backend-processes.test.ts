// Two or more processes on one SQLite backend file (auth and tctl on the same host):
// compare-and-swap stays atomic across them, and watchers see the other process's writes.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { openSqliteBackend } from "../../src/backend/index.js";
import { EventCollector, describe } from "../fixtures/backend/collector.js";
import { tempDir } from "../helpers/tmp.js";

interface Child {
  child: ChildProcess;
  /** The next line the child prints (rejects if it exits first). */
  line(): Promise<string>;
  /** Resolves with the exit code once the child exits. */
  exited: Promise<number | null>;
}

/** Runs a script of test/fixtures/backend/ in a process of its own. */
function run(script: string, args: string[]): Child {
  const path = fileURLToPath(new URL(`../fixtures/backend/${script}`, import.meta.url));
  const child = spawn(process.execPath, ["--import", "tsx", path, ...args], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  if (child.stdout === null) throw new Error("spawned with a stdout pipe");
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
  return {
    child,
    exited,
    async line() {
      const next = await lines.next();
      if (next.done === true) throw new Error(`${script} exited (${await exited}) without output`);
      return next.value;
    },
  };
}

test(
  "two processes × 500 compareAndSwap increments of one key: exactly 1000",
  { timeout: 120_000 },
  async (t) => {
    const path = join(tempDir(), "backend.db");
    const backend = await openSqliteBackend({ path });
    t.after(() => backend.close());
    await backend.create("/counter", "0");
    // This process watches while the others write.
    const watched = new EventCollector();
    backend.watch("/counter", watched.onEvent);

    const children = [0, 1].map(() => run("cas-increment.ts", [path, "/counter", "500"]));
    assert.deepEqual(await Promise.all(children.map((c) => c.line())), ["ready", "ready"]);
    // Both start at once, after their start-up.
    for (const { child } of children) child.stdin?.end("go\n");
    const results = await Promise.all(children.map((c) => c.line()));
    assert.deepEqual(await Promise.all(children.map((c) => c.exited)), [0, 0]);

    assert.equal((await backend.get("/counter"))?.value, "1000");
    const retries = results.map((line) => (JSON.parse(line) as { retries: number }).retries);
    t.diagnostic(`compare-and-swap retries per process: ${retries.join(", ")}`);

    // Puts overwritten before this process read the log are left out; the last never is.
    await watched.untilSome("the final value", (event) => describe(event) === "put /counter=1000");
    const values = watched.events.map((event) =>
      event.type === "put" ? Number(event.item.value) : Number.NaN,
    );
    assert.deepEqual(
      values,
      [...values].sort((a, b) => a - b),
      "in commit order",
    );
  },
);

test("a watcher sees another process's writes, in order", { timeout: 60_000 }, async (t) => {
  const path = join(tempDir(), "backend.db");
  const backend = await openSqliteBackend({ path });
  t.after(() => backend.close());
  const remote = new EventCollector();
  const local = new EventCollector();
  backend.watch("/remote/", remote.onEvent);
  backend.watch("/local/", local.onEvent);

  const COUNT = 50;
  const writer = run("write-keys.ts", [path, "/remote/k", String(COUNT)]);
  // Writes here interleave with the other process's; each watcher gets its own prefix only.
  await backend.put("/local/a", "1");
  assert.equal(await writer.line(), "written");
  const puts = Array.from({ length: COUNT }, (_, i) => `put /remote/k${i}=v${i}`);
  assert.deepEqual((await remote.until(COUNT)).map(describe), puts);

  writer.child.stdin?.end("go\n");
  assert.equal(await writer.line(), "done");
  assert.equal(await writer.exited, 0);
  await backend.put("/local/b", "2");
  assert.deepEqual((await remote.until(COUNT + 3)).map(describe), [
    ...puts,
    "put /remote/k0=updated",
    "delete /remote/k1",
    "put /remote/knew=created",
  ]);
  assert.deepEqual((await local.until(2)).map(describe), ["put /local/a=1", "put /local/b=2"]);
  const k0 = remote.events.at(-3);
  assert.ok(k0?.type === "put" && k0.item.revision > 0 && k0.item.expires === undefined);
});
