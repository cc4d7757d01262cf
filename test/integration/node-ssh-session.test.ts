// What a session at the SSH node looks like from the real OpenSSH client beyond its output: the
// exit-signal of a program killed by a signal, the environment sshd would give (LANG/LC_* from
// the client, TERM, SSH_CLIENT, SSH_CONNECTION, SSH_TTY), and keepalives in both directions.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import ssh2 from "ssh2";
import { AuthClient } from "../../src/auth/index.js";
import { createLogger } from "../../src/log/index.js";
import { eventSpoolDir, RecordingDelivery } from "../../src/node/delivery.js";
import { startSshServer, type NodeSshServer } from "../../src/node/server.js";
import { uploadDir } from "../../src/recording/index.js";
import { addHostAccount, type HostAccount } from "../helpers/host-account.js";
import type { SshResult } from "../helpers/openssh.js";
import { runOpenSsh } from "../helpers/openssh.js";
import { startNodeFixture, type NodeFixture, type UserFiles } from "./node-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (BPF, cgroups, setuid)" : false;
const MISSING_SFTP_SERVER = "/nonexistent/sftp-server";

interface RunningSsh {
  child: ChildProcess;
  stderr: () => string;
  done: Promise<SshResult>;
}

/** The OpenSSH client with exactly `env` (no user config, no agent); killed by pid after 30 s. */
function startSsh(args: string[], env: Record<string, string>): RunningSsh {
  const child = spawn("ssh", ["-F", "/dev/null", "-o", "BatchMode=yes", ...args], {
    env: { PATH: process.env["PATH"] ?? "/usr/bin:/bin", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
  }, 30_000);
  const done = new Promise<SshResult>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
  return { child, stderr: () => stderr, done };
}

/** Polls `check` every 50 ms; fails after 20 s with `what`. */
async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let waited = 0; !(await check()); waited += 50) {
    if (waited > 20_000) throw new Error(`gave up waiting: ${what}`);
    await sleep(50);
  }
}

function envOf(output: string): Map<string, string> {
  const lines = output.split(/\r?\n/).filter((line) => line.includes("="));
  return new Map(
    lines.map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

describe("SSH node sessions", { skip }, () => {
  let f: NodeFixture;
  let alice: UserFiles;

  let account: HostAccount | undefined;
  let login: string;

  before(async () => {
    f = await startNodeFixture();
    // A /bin/sh account: its sessions run only the test's commands (no ~/.bashrc).
    account = addHostAccount();
    login = account.login;
    // Its home lies in a root-only temp dir: let the account reach it.
    chmodSync(dirname(account.home), 0o755);
    alice = await f.addUser("alice", { roles: ["access"], logins: [login] });
  });

  after(async () => {
    await f?.close();
    account?.remove();
  });

  /** The audit events of the session that ran `command`, once it has ended. */
  async function sessionEvents(command: string): Promise<Record<string, unknown>[]> {
    let sid: unknown;
    await until(`the session of ${JSON.stringify(command)} ends`, async () => {
      const query = { types: "session.start,session.end", limit: "1000" };
      const { events } = await f.auth.admin.searchEvents(query);
      const start = events.find(
        (e) =>
          e["event"] === "session.start" &&
          JSON.stringify(e["initial_command"]) === JSON.stringify([command]),
      );
      sid = start?.["sid"];
      return events.some((e) => e["event"] === "session.end" && e["sid"] === sid);
    });
    return (await f.auth.admin.searchEvents({ sid: String(sid), limit: "1000" })).events;
  }

  describe("a program killed by a signal", () => {
    it("gives OpenSSH an exit-signal, with or without a pty (ssh then exits 255)", async () => {
      for (const pty of [[], ["-tt"]]) {
        const result = await runOpenSsh([
          "-v",
          ...pty,
          ...f.sshArgs(alice, login, "echo before; kill -TERM $$"),
        ]);
        assert.equal(result.status, 255, result.stderr);
        assert.match(result.stdout, /^before\r?\n$/);
        // OpenSSH 9 says no more than this about the signal (and prints nothing without -v).
        assert.match(result.stderr, /client_input_channel_req: channel \d+ rtype exit-signal/);
        assert.doesNotMatch(result.stderr, /rtype exit-status/);
      }
    });

    it("names the signal in the exit-signal request (seen with an ssh2 client)", async () => {
      const client = new ssh2.Client();
      const exit = new Promise<unknown[]>((resolve, reject) => {
        client.on("error", reject);
        client.on("ready", () => {
          client.exec("kill -TERM $$", (err, channel) => {
            if (err) return reject(err);
            channel.on("exit", (...args: unknown[]) => resolve(args));
            channel.resume();
          });
        });
      });
      client.connect(f.ssh2Config(alice, login));
      try {
        // The request carries "TERM"; ssh2 reports it as (null, "SIG" + name, coreDumped, message).
        assert.deepEqual((await exit).slice(0, 2), [null, "SIGTERM"]);
      } finally {
        client.end();
      }
    });

    it("reports a signal SSH has no name for (BUS) as a shell would: 128 + its number", async () => {
      const result = await f.ssh(alice, login, "kill -BUS $$");
      assert.equal(result.status, 135, result.stderr);
    });
  });

  describe("the environment", () => {
    const clientEnv = { LANG: "de_DE.UTF-8", LC_TIME: "C.UTF-8", FOO: "bar", TERM: "vt220" };
    const sendEnv = ["-o", "SendEnv=LANG LC_* FOO"];

    it("takes LANG and LC_* from the client, not others, and sets SSH_CLIENT/SSH_CONNECTION", async () => {
      const run = startSsh([...sendEnv, ...f.sshArgs(alice, login, "env")], clientEnv);
      const result = await run.done;
      assert.equal(result.status, 0, result.stderr);
      const env = envOf(result.stdout);
      assert.equal(env.get("LANG"), "de_DE.UTF-8");
      assert.equal(env.get("LC_TIME"), "C.UTF-8");
      assert.equal(env.has("FOO"), false);
      const client = /^127\.0\.0\.1 (\d+) (\d+)$/.exec(env.get("SSH_CLIENT") ?? "");
      assert.ok(client, `SSH_CLIENT=${env.get("SSH_CLIENT")}`);
      assert.equal(client[2], String(f.port));
      assert.equal(env.get("SSH_CONNECTION"), `127.0.0.1 ${client[1]} 127.0.0.1 ${f.port}`);
      // No terminal asked for: neither TERM nor SSH_TTY.
      assert.equal(env.has("TERM"), false);
      assert.equal(env.has("SSH_TTY"), false);
    });

    it("sets TERM from the pty request and SSH_TTY to the session's terminal", async () => {
      const run = startSsh(["-tt", ...sendEnv, ...f.sshArgs(alice, login, "env; tty")], clientEnv);
      const result = await run.done;
      assert.equal(result.status, 0, result.stderr);
      const env = envOf(result.stdout);
      assert.equal(env.get("TERM"), "vt220");
      assert.equal(env.get("LANG"), "de_DE.UTF-8");
      const tty = result.stdout.trim().split(/\r?\n/).at(-1);
      assert.match(tty ?? "", /^\/dev\/pts\/\d+$/);
      assert.equal(env.get("SSH_TTY"), tty);

      // Finding the terminal's name runs tty outside the session: the recording has the
      // session's own tty only.
      const events = await sessionEvents("env; tty");
      const commands = events.filter((e) => e["event"] === "session.command");
      const ttys = commands.filter((e) => String(e["path"]).endsWith("/tty"));
      assert.equal(ttys.length, 1, JSON.stringify(commands.map((e) => e["path"])));
    });
  });

  describe("keepalives", () => {
    it("answers OpenSSH's keepalives (ServerAliveInterval), so a quiet session lives on", async () => {
      const result = await runOpenSsh([
        "-o",
        "ServerAliveInterval=1",
        "-o",
        "ServerAliveCountMax=2",
        ...f.sshArgs(alice, login, "sleep 4; echo still here"),
      ]);
      assert.equal(result.stdout, "still here\n", result.stderr);
      assert.equal(result.status, 0);
    });

    describe("sent by the server (and a missing sftp-server)", () => {
      let server: NodeSshServer | undefined;
      let delivery: RecordingDelivery | undefined;
      let logFile: string;

      before(async () => {
        logFile = join(f.dir, "keepalive.log");
        const logger = createLogger({ output: logFile, severity: "DEBUG", format: "json" });
        const { identity } = f.node;
        const client = new AuthClient({ addr: f.auth.server.addr, identity: identity.tls });
        delivery = new RecordingDelivery({
          client,
          uploadDir: uploadDir(f.dataDir),
          spoolDir: eventSpoolDir(f.dataDir),
          logger,
        });
        // A second SSH server of the node's identity, with a short keepalive (the default is
        // 5 min) and no sftp-server where it looks.
        server = await startSshServer({
          host: "127.0.0.1",
          port: 0,
          identity,
          labels: { env: "test" },
          client,
          logger,
          keepAlive: { intervalMs: 200, countMax: 2 },
          sftpServerPaths: [MISSING_SFTP_SERVER],
          sessionHost: {
            dataDir: f.dataDir,
            clusterName: identity.clusterName,
            serverId: identity.hostId,
            serverHostname: "node-1",
            serverAddr: "127.0.0.1:0",
            recorder: undefined,
            cgroups: undefined,
            delivery,
            recordingMode: () => "node",
          },
        });
      });

      after(async () => {
        await server?.close();
        await delivery?.close();
      });

      /** The fixture's ssh arguments, to this server. */
      function serverArgs(command?: string): string[] {
        const args = f.sshArgs(alice, login, command);
        args[args.indexOf("-p") + 1] = String(server?.port);
        return args;
      }

      it("tells an sftp client that the host has no sftp-server", async () => {
        // -s: the command is a subsystem, as sftp and scp ask for it.
        const result = await runOpenSsh(["-s", ...serverArgs("sftp")]);
        assert.equal(result.status, 127, result.stderr);
        assert.match(result.stderr, /this node cannot serve SFTP/);
        assert.match(result.stderr, new RegExp(`no sftp-server at ${MISSING_SFTP_SERVER}`));
      });

      it("pings a quiet client, and drops it once it stops answering", async () => {
        const args = serverArgs();
        // -N: a connection without a session, quiet on the client's side.
        const run = startSsh(["-v", "-N", ...args], {});
        const pings = (): number =>
          run.stderr().match(/client_input_global_request: rtype keepalive@openssh\.com/g)
            ?.length ?? 0;
        // Twice as many pings as the server leaves unanswered: OpenSSH's replies count.
        await until("four keepalives reach the client", () => pings() >= 4);
        const pid = run.child.pid ?? 0;
        process.kill(pid, "SIGSTOP");
        try {
          await until("the server gives up on the stopped client", () =>
            readFileSync(logFile, "utf8").includes("Keepalive timeout"),
          );
        } finally {
          process.kill(pid, "SIGCONT");
        }
        const result = await run.done;
        assert.equal(result.status, 255, result.stderr);
      });
    });
  });
});
