// The one-line summaries of audit events the web UI, its player and exports show.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { summarizeEvent } from "../../src/events/index.js";

const session = {
  sid: "5b3c2f1e-7d4a-4c1b-9e8f-0a1b2c3d4e5f",
  user: "alice",
  login: "root",
  server_id: "531dc1de-c2c9-49bd-a0e3-4f4f3a523f5f",
  server_hostname: "node-1",
};

describe("summarizeEvent", () => {
  it("says who ran which command, quoting arguments a shell would split", () => {
    const curl = {
      ...session,
      event: "session.command",
      path: "/usr/bin/curl",
      program: "curl",
      argv: ["https://wttr.in"],
      return_code: 0,
    };
    assert.equal(summarizeEvent(curl), "alice ran curl https://wttr.in");
    const shell = {
      ...curl,
      path: "/bin/bash",
      program: "bash",
      argv: ["-c", "echo it's $HOME"],
    };
    assert.equal(summarizeEvent(shell), `alice ran bash -c 'echo it'\\''s $HOME'`);
    const failed = { ...curl, path: "/nope", program: "bash", argv: [], return_code: -2 };
    assert.equal(summarizeEvent(failed), "alice ran nope (failed to start: error -2)");
    const cut = { ...curl, argv: ["a", "b"], argv_truncated: true };
    assert.equal(summarizeEvent(cut), "alice ran curl a b …");
  });

  it("says which program connected where, IPv6 in brackets, and denials", () => {
    const network = {
      ...session,
      event: "session.network",
      program: "curl",
      src_addr: "10.0.0.2",
      dst_addr: "5.9.243.187",
      dst_port: 443,
      version: 4,
      operation: 0,
      action: 0,
    };
    assert.equal(summarizeEvent(network), "curl connected to 5.9.243.187:443");
    assert.equal(
      summarizeEvent({ ...network, dst_addr: "2001:db8::1", version: 6 }),
      "curl connected to [2001:db8::1]:443",
    );
    assert.equal(
      summarizeEvent({ ...network, action: 1 }),
      "curl was denied a connection to 5.9.243.187:443",
    );
  });

  it("says which program opened which file, for writing, or failed to", () => {
    const disk = {
      ...session,
      event: "session.disk",
      program: "bash",
      path: "/etc/passwd",
      flags: 0o2100000,
      return_code: 3,
    };
    assert.equal(summarizeEvent(disk), "bash opened /etc/passwd");
    assert.equal(
      summarizeEvent({ ...disk, path: "/tmp/out", flags: 0o1101 }),
      "bash opened /tmp/out for writing",
    );
    assert.equal(
      summarizeEvent({ ...disk, path: "/root/.secret", return_code: -13 }),
      "bash failed to open /root/.secret (error -13)",
    );
  });

  it("describes the session's start, end, resizes and traffic", () => {
    assert.equal(
      summarizeEvent({ ...session, event: "session.start", size: "80:24" }),
      "alice started a session on node-1 as root",
    );
    assert.equal(
      summarizeEvent({ ...session, event: "session.start", initial_command: ["uname", "-a"] }),
      "alice started a session on node-1 as root to run uname -a",
    );
    assert.equal(
      summarizeEvent({ ...session, event: "session.end", enhanced_recording: true }),
      "session ended (enhanced recording)",
    );
    assert.equal(
      summarizeEvent({ ...session, event: "session.end", enhanced_recording: false }),
      "session ended",
    );
    assert.equal(
      summarizeEvent({ ...session, event: "resize", size: "120:40" }),
      "terminal resized to 120x40",
    );
    assert.equal(
      summarizeEvent({ ...session, event: "session.data", tx: 120, rx: 30 }),
      "session sent 120 bytes and received 30 bytes",
    );
    assert.equal(
      summarizeEvent({
        ...session,
        event: "session.events_lost",
        lost: {
          kernel: { command: 2, disk: 0, network: 0 },
          user: { command: 1, disk: 4, network: 0 },
        },
        total: 7,
      }),
      "session lost 7 enhanced recording events (command 3, disk 4)",
    );
  });

  it("describes logins, refused logins and playbacks", () => {
    assert.equal(
      summarizeEvent({ event: "user.login", user: "alice", success: true, method: "local" }),
      "alice logged in",
    );
    assert.equal(
      summarizeEvent({
        event: "user.login",
        user: "alice",
        success: false,
        error: "invalid username or password",
      }),
      "alice failed to log in: invalid username or password",
    );
    assert.equal(
      summarizeEvent({
        ...session,
        event: "auth",
        success: false,
        error: "login root is not allowed",
      }),
      "alice was refused as root on node-1: login root is not allowed",
    );
    assert.equal(
      summarizeEvent({ event: "session.recording.access", user: "ava", sid: session.sid }),
      `ava played the recording of session ${session.sid}`,
    );
    assert.equal(
      summarizeEvent({ ...session, event: "exec", command: "ls /", exitCode: "2" }),
      "alice executed ls / on node-1 (exit code 2)",
    );
  });

  it("falls back to the event's name and user, for names it does not know", () => {
    assert.equal(summarizeEvent({ event: "role.created", user: "admin" }), "role.created by admin");
    assert.equal(summarizeEvent({ event: "constructor" }), "constructor");
    assert.equal(summarizeEvent({}), "event");
    assert.equal(summarizeEvent({ event: "session.command" }), "someone ran an unknown program");
  });
});
