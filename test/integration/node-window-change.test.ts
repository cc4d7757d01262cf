// A window change that arrives after a session's program has ended (the client resized its
// terminal just then) is dropped. It used to throw from node-pty inside ssh2's handler, which
// ended the whole SSH connection, every other session on it included.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { ClientChannel } from "ssh2";
import { connectSsh2, type SshClient } from "../helpers/ssh2.js";
import { startNodeFixture, type NodeFixture, type UserFiles } from "./node-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (cgroups, setuid)" : false;
const PTY = { rows: 24, cols: 80, term: "xterm" };

function exec(client: SshClient, command: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) =>
    client.exec(command, { pty: PTY }, (err, stream) => (err ? reject(err) : resolve(stream))),
  );
}

/** Everything the channel prints until it closes. */
function output(stream: ClientChannel): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    stream.on("data", (d: Buffer) => (text += d.toString()));
    stream.on("close", () => resolve(text));
  });
}

describe("a window change after the program ended", { skip }, () => {
  let f: NodeFixture;
  let alice: UserFiles;
  let client: SshClient | undefined;

  before(async () => {
    f = await startNodeFixture();
    alice = await f.addUser("alice", { roles: ["access"], logins: ["root"] });
  });

  after(async () => {
    client?.end();
    await f?.close();
  });

  it("leaves the connection and its other sessions alone", async () => {
    client = await connectSsh2(f.ssh2Config(alice, "root"));
    let closed = false;
    client.on("close", () => (closed = true));
    // A second session on the same connection, still running (as with OpenSSH multiplexing).
    const other = await exec(client, "read line; echo got $line");
    const otherOutput = output(other);

    const quick = await exec(client, "exit 0");
    const quickClosed = new Promise((resolve) => quick.on("close", resolve));
    quick.on("exit", () => {
      for (let i = 0; i < 20; i += 1) quick.setWindow(30 + i, 100, 0, 0);
    });
    quick.resume();
    await quickClosed;

    other.write("hello\n");
    assert.match(await otherOutput, /got hello/);
    assert.equal(closed, false, "the connection is still open");
    const next = await exec(client, "echo next");
    assert.match(await output(next), /next/);
  });
});
