// node-pty is built from source by `npm ci` (its install script, approved in package.json's
// allowScripts, runs node-gyp): a shell in a pty, raw bytes out, its exit code back.
import assert from "node:assert/strict";
import { it } from "node:test";
import { spawn } from "node-pty";

it("runs /bin/sh in a pty, giving raw bytes and the exit code", async () => {
  const shell = spawn("/bin/sh", [], {
    name: "xterm",
    cols: 80,
    rows: 24,
    cwd: "/",
    env: { PATH: "/usr/bin:/bin", HOME: "/", TERM: "xterm" },
    // No decoding: sessions are recorded byte for byte.
    encoding: null,
  });
  const chunks: Buffer[] = [];
  // The typings say string; with encoding null node-pty hands over Buffers.
  shell.onData((data: string | Buffer) => {
    assert.ok(Buffer.isBuffer(data), `expected a Buffer, got ${typeof data}`);
    chunks.push(data);
  });
  const exited = new Promise<number>((resolve) =>
    shell.onExit(({ exitCode }) => resolve(exitCode)),
  );
  shell.write("printf 'a\\tb\\n'; exit 3\n");

  const timer = setTimeout(() => shell.kill("SIGKILL"), 10_000);
  const exitCode = await exited;
  clearTimeout(timer);
  assert.equal(exitCode, 3);
  // The tty's output processing turns printf's \n into \r\n; the tab stays a tab.
  const output = Buffer.concat(chunks);
  assert.ok(output.includes(Buffer.from("a\tb\r\n")), JSON.stringify(output.toString("latin1")));
});
