// A shell in a pty (node-pty, built from source by `npm ci`): raw bytes out, the exit code back,
// and the output written just before the program exits is never lost.
import assert from "node:assert/strict";
import { it } from "node:test";
import { spawnPty } from "../../src/node/pty.js";

async function runShell(input: string): Promise<{ output: Buffer; exitCode: number }> {
  const shell = spawnPty("/bin/sh", [], {
    term: "xterm",
    cols: 80,
    rows: 24,
    cwd: "/",
    env: { PATH: "/usr/bin:/bin", HOME: "/", TERM: "xterm" },
  });
  const chunks: Buffer[] = [];
  shell.onData((bytes) => {
    assert.ok(Buffer.isBuffer(bytes), `expected a Buffer, got ${typeof bytes}`);
    chunks.push(bytes);
  });
  shell.write(Buffer.from(input));
  const timer = setTimeout(() => shell.kill("SIGKILL"), 10_000);
  const { exitCode } = await shell.exited;
  clearTimeout(timer);
  return { output: Buffer.concat(chunks), exitCode };
}

it("runs /bin/sh in a pty, giving raw bytes and the exit code", async () => {
  const { output, exitCode } = await runShell("printf 'a\\tb\\n'; exit 3\n");
  assert.equal(exitCode, 3);
  // The tty's output processing turns printf's \n into \r\n; the tab stays a tab.
  assert.ok(output.includes(Buffer.from("a\tb\r\n")), JSON.stringify(output.toString("latin1")));
});

it("keeps the output a program writes just before it exits, every time", async () => {
  // Without the held slave side, 1 run in about 150 lost it; 600 runs, 20 at a time.
  const lost: string[] = [];
  for (let batch = 0; batch < 30; batch += 1) {
    const runs = Array.from({ length: 20 }, (_, i) => `${batch}.${i}`);
    const results = await Promise.all(
      runs.map((run) => runShell(`printf 'run ${run}\\n'; exit 0\n`)),
    );
    results.forEach(({ output }, i) => {
      if (!output.includes(Buffer.from(`run ${runs[i]}\r\n`))) lost.push(output.toString("latin1"));
    });
  }
  assert.deepEqual(lost, []);
});

it("hands on output still unread when the program exits while reading is paused", async () => {
  // The reader is paused (a slow client) while the program writes less than the terminal
  // holds and exits: node-pty would then destroy its reader with the output still inside.
  const shell = spawnPty("/bin/sh", ["-c", "head -c 3000 /dev/zero | tr '\\0' x"], {
    term: "xterm",
    cols: 80,
    rows: 24,
    cwd: "/",
    env: { PATH: "/usr/bin:/bin" },
  });
  shell.pause();
  let received = 0;
  shell.onData((bytes) => (received += bytes.length));
  // A program blocked on a full terminal would never exit: fail instead of hanging.
  const timer = setTimeout(() => shell.kill("SIGKILL"), 10_000);
  const { exitCode } = await shell.exited;
  clearTimeout(timer);
  assert.equal(exitCode, 0);
  assert.equal(received, 3000);
});
