// tsh end to end: the real bin/tsh (HOME in a temp dir) against a cluster in this process (auth,
// proxy web and SSH ports, a node with enhanced recording): login with the password on stdin,
// status, ls, ssh with the remote exit code, recordings ls, play from the cluster, config used
// by the real OpenSSH client, -i with an identity file, logout, and each error as one line.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { signIdentityFile } from "../../src/auth/index.js";
import { binPath, collect, runAsUser, type CliResult } from "../helpers/cli.js";
import { parseAsciicast } from "../helpers/asciicast.js";
import { freePort } from "../helpers/net.js";
import { runOpenSsh } from "../helpers/openssh.js";
import { tempDir } from "../helpers/tmp.js";
import { startClusterFixture, type ClusterFixture } from "../integration/cluster-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (BPF, cgroups, setuid)" : false;
const PASSWORD = "correct horse battery staple";

/** Runs bin/tsh with HOME set to `home` and `input` on stdin. */
function tsh(home: string, args: string[], input = ""): Promise<CliResult> {
  return runAsUser(home, "tsh", args, input);
}

const shellQuote = (word: string): string => `'${word.replace(/'/g, "'\\''")}'`;

/**
 * Runs bin/tsh at a terminal: util-linux `script` gives it a PTY (of `size`), and each answer is
 * typed once the output so far matches its pattern.
 */
function tshAtTerminal(
  home: string,
  args: string[],
  answers: [RegExp, string][],
  size = { cols: 100, rows: 30 },
): Promise<CliResult> {
  const command = [process.execPath, binPath("tsh"), ...args].map(shellQuote).join(" ");
  const child = spawn(
    "script",
    ["-qec", `stty cols ${size.cols} rows ${size.rows}; exec ${command}`, "/dev/null"],
    {
      stdio: ["pipe", "pipe", "pipe"],
      env: {
        ...process.env,
        HOME: home,
        TELEPORT_HOME: "",
        TERM: "xterm-256color",
        TELEPORT_DEBUG: "",
      },
    },
  );
  let seen = "";
  const pending = [...answers];
  child.stdout.on("data", (data: Buffer) => {
    seen += data.toString();
    const next = pending[0];
    if (next !== undefined && next[0].test(seen)) {
      pending.shift();
      child.stdin.write(next[1]);
    }
  });
  return collect(child, 60_000);
}

/** The one "ERROR: …" line a failed command prints (besides its prompts), and exit code 1. */
function assertError(result: CliResult, pattern: RegExp): void {
  assert.equal(result.code, 1, `exit code; stdout: ${result.stdout} stderr: ${result.stderr}`);
  const lines = result.stderr
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("Enter password for"));
  assert.equal(lines.length, 1, result.stderr);
  assert.match(lines[0] ?? "", pattern);
}

describe("tsh against a cluster", { skip }, () => {
  let f: ClusterFixture;
  let proxy: string;
  const home = tempDir("tsh-home-");
  let cluster: string;

  const login = (extra: string[] = [], input = `${PASSWORD}\n`): Promise<CliResult> =>
    tsh(home, ["login", `--proxy=${proxy}`, "--user=alice", "--insecure", ...extra], input);

  /** Requires exit code 0 and returns stdout. */
  const ok = async (args: string[]): Promise<string> => {
    const result = await tsh(home, args);
    assert.equal(result.code, 0, `tsh ${args.join(" ")}: ${result.stderr}`);
    return result.stdout;
  };

  before(async () => {
    f = await startClusterFixture({ labels: { env: "test" } });
    proxy = `127.0.0.1:${f.webPort}`;
    cluster = f.auth.clusterName;
    await f.addPasswordUser("alice", {
      roles: ["access", "auditor"],
      logins: ["root"],
      password: PASSWORD,
    });
  });

  after(() => f?.close());

  it("without a login, says how to log in", async () => {
    assertError(
      await tsh(home, ["ls"]),
      /^ERROR: not logged in: run tsh login --proxy=HOST:PORT --user=NAME$/,
    );
  });

  it("login refuses the proxy's self-signed certificate without --insecure", async () => {
    const result = await tsh(home, ["login", `--proxy=${proxy}`, "--user=alice"], PASSWORD);
    assertError(
      result,
      new RegExp(
        `^ERROR: the proxy's certificate at ${proxy} is not trusted \\(\\w+\\): use --insecure ` +
          "only for testing, or give the proxy a trusted certificate",
      ),
    );
  });

  it("login with a wrong password fails with the proxy's message", async () => {
    const result = await login([], "wrong password\n");
    assertError(result, /^ERROR: .*(password|user)/i);
    assert.equal(existsSync(join(home, ".tsh", "current-profile")), false);
  });

  it("login to a proxy that does not answer names the address", async () => {
    const closed = `127.0.0.1:${await freePort()}`;
    const result = await tsh(home, ["login", `--proxy=${closed}`, "--user=alice", "--insecure"]);
    assertError(
      result,
      new RegExp(`^ERROR: cannot reach the proxy at ${closed}: connection refused$`),
    );
  });

  it("login with the password on stdin writes the profile and prints it", async () => {
    const result = await login();
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /^Enter password for Teleport user alice: /);
    const lines = result.stdout.trimEnd().split("\n");
    assert.deepEqual(lines.slice(0, 5), [
      `> Profile URL:        https://${proxy}`,
      "  Logged in as:       alice",
      `  Cluster:            ${cluster}`,
      "  Roles:              access, auditor",
      "  Logins:             root",
    ]);
    assert.match(
      lines[5] ?? "",
      /^ {2}Valid until: {8}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC \[valid for \d+h\d+m\d+s\]$/,
    );
    const keys = join(home, ".tsh", "keys", "127.0.0.1");
    assert.equal(statSync(keys).mode & 0o777, 0o700);
    for (const file of ["alice", "alice-x509.pem", `alice-ssh/${cluster}-cert.pub`]) {
      assert.equal(statSync(join(keys, file)).mode & 0o777, 0o600, file);
    }
    assert.equal(readFileSync(join(home, ".tsh", "current-profile"), "utf8"), "127.0.0.1\n");
  });

  it("login at a terminal reads the password without echoing it", async () => {
    const secret = PASSWORD;
    const result = await tshAtTerminal(
      home,
      ["login", `--proxy=${proxy}`, "--user=alice", "--insecure"],
      [[/Enter password for Teleport user alice: $/, `${secret}\r`]],
    );
    assert.equal(result.code, 0, result.stdout);
    assert.match(result.stdout, /Logged in as: {7}alice/);
    assert.doesNotMatch(result.stdout, new RegExp(secret));
  });

  it("status shows the login", async () => {
    const out = await ok(["status"]);
    assert.match(out, /^> Profile URL: {8}https:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(out, /^ {2}Logged in as: {7}alice$/m);
    assert.match(out, /^ {2}Valid until: .* \[valid for /m);
  });

  it("ls lists the node", async () => {
    const out = await ok(["ls"]);
    const lines = out.trimEnd().split("\n");
    assert.match(lines[0] ?? "", /^Node Name\s+Address\s+Labels$/);
    assert.match(lines[1] ?? "", /^-+ -+ -+$/);
    assert.match(lines[2] ?? "", new RegExp(`^node-1\\s+127\\.0\\.0\\.1:${f.port}\\s+env=test$`));
  });

  it("a proxy that does not answer is named, also after login", async () => {
    const closed = `127.0.0.1:${await freePort()}`;
    assertError(
      await tsh(home, ["ls", `--proxy=${closed}`]),
      new RegExp(`^ERROR: cannot reach the proxy at ${closed}: connection refused$`),
    );
  });

  it("ssh runs a command on the node and exits with its exit code", async () => {
    const result = await tsh(home, ["ssh", "root@node-1", "echo", "hello-tsh;", "exit", "3"]);
    assert.equal(result.stdout, "hello-tsh\n", result.stderr);
    assert.equal(result.code, 3, result.stderr);
    const zero = await tsh(home, ["ssh", "-l", "root", "node-1", "true"]);
    assert.equal(zero.code, 0, zero.stderr);
  });

  it("ssh -t runs the command in a PTY", async () => {
    const result = await tsh(home, ["ssh", "-t", "root@node-1", "tty"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^\/dev\/pts\/\d+\r?\n$/);
  });

  it("ssh without a command opens a shell in a PTY, with TERM and the window size", async () => {
    const result = await tshAtTerminal(
      home,
      ["ssh", "root@node-1"],
      [[/[#$] $/, "echo TERM=$TERM; stty size; exit 7\r"]],
      { cols: 91, rows: 27 },
    );
    assert.equal(result.code, 7, result.stdout);
    assert.match(result.stdout, /^TERM=xterm-256color\r?$/m);
    assert.match(result.stdout, /^27 91\r?$/m);
  });

  it("ssh to a node that does not exist prints the proxy's line", async () => {
    assertError(
      await tsh(home, ["ssh", "root@no-such-node", "true"]),
      new RegExp(
        `^ERROR: node "no-such-node" not found in cluster "${cluster.replace(/\./g, "\\.")}"`,
      ),
    );
  });

  it("recordings ls lists the session and play --format asciicast replays it", async () => {
    const sids = await f.recordings(1);
    const table = await ok(["recordings", "ls"]);
    assert.match(table, /^ID\s+Type\s+Participants\s+Hostname\s+Timestamp$/m);
    const listed = sids.filter((sid) =>
      new RegExp(`^${sid}\\s+ssh\\s+alice\\s+node-1\\s+`, "m").test(table),
    );
    assert.ok(listed.length > 0, table);
    const json = JSON.parse(await ok(["recordings", "ls", "--format", "json"])) as {
      sid: string;
      event: string;
    }[];
    assert.ok(json.every((event) => event.event === "session.end"));
    assert.ok(json.some((event) => event.sid === listed[0]));

    // The first recording is the session that printed hello-tsh.
    const withHello = [];
    for (const sid of sids) {
      const cast = parseAsciicast(await ok(["play", "--format", "asciicast", sid]));
      assert.equal(cast.header.version, 2);
      const output = cast.events
        .filter((event) => event[1] === "o")
        .map((event) => event[2])
        .join("");
      if (output.includes("hello-tsh")) withHello.push(sid);
    }
    assert.equal(withHello.length, 1, `one recording printed hello-tsh among ${sids.join(", ")}`);
  });

  it("play of an unknown session says so", async () => {
    const result = await tsh(home, ["play", "--format", "json", "no-such-session"]);
    assertError(result, /^ERROR: .*no-such-session/);
  });

  it("config makes the real OpenSSH client reach the node through the proxy", async () => {
    const config = await ok(["config"]);
    assert.match(
      config,
      new RegExp(`^Host \\*\\.${cluster.replace(/\./g, "\\.")} 127\\.0\\.0\\.1$`, "m"),
    );
    const file = join(home, "ssh_config");
    writeFileSync(file, config);
    const result = await runOpenSsh([
      "-F",
      file,
      `root@node-1.${cluster}`,
      "echo via-openssh; exit 5",
    ]);
    assert.equal(result.stdout, "via-openssh\n", result.stderr);
    assert.equal(result.status, 5, result.stderr);
  });

  describe("with an identity file (-i)", () => {
    const dir = tempDir("tsh-identity-");

    async function identityFile(name: string, clockOffsetMs: number, ttl: string): Promise<string> {
      await f.auth.admin.addUser({ name, roles: ["access"], logins: ["root"] });
      f.auth.clock.offset = clockOffsetMs;
      try {
        const path = join(dir, name);
        writeFileSync(path, await signIdentityFile(f.auth.admin, { user: name, ttl }), {
          mode: 0o600,
        });
        return path;
      } finally {
        f.auth.clock.offset = 0;
      }
    }

    it("works for ls and ssh instead of the profile", async () => {
      const path = await identityFile("bot", 0, "1h");
      const empty = tempDir("tsh-empty-home-");
      const listed = await tsh(empty, ["-i", path, `--proxy=${proxy}`, "ls"]);
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /^node-1 /m);
      const ran = await tsh(empty, [
        "ssh",
        "-i",
        path,
        `--proxy=${proxy}`,
        "--insecure",
        "root@node-1",
        "echo from-identity",
      ]);
      assert.equal(ran.stdout, "from-identity\n", ran.stderr);
      assert.equal(ran.code, 0);
    });

    it("an expired identity is refused before anything is dialed", async () => {
      const path = await identityFile("late-bot", -2 * 3600_000, "1h");
      assertError(
        await tsh(home, ["-i", path, `--proxy=${proxy}`, "ls"]),
        /^ERROR: the certificates of late-bot \(identity file .*\) expired at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC: run tsh login again/,
      );
    });
  });

  it("logout removes the keys and the profile", async () => {
    assert.equal(await ok(["logout"]), "Logged out all users from all proxies.\n");
    assert.equal(existsSync(join(home, ".tsh", "keys", "127.0.0.1")), false);
    assert.equal(existsSync(join(home, ".tsh", "current-profile")), false);
    assertError(await tsh(home, ["status"]), /^ERROR: not logged in: run tsh login/);
  });
});
