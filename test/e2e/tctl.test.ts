// The guide's tctl flow against a real `teleport start` (auth service only), with the real tctl.
import assert from "node:assert/strict";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { caPin, parseIdentityFile } from "../../src/auth/index.js";
import { runCliProcess, type CliResult } from "../helpers/cli.js";
import { startTeleport, type DaemonProcess } from "../helpers/daemon.js";
import { freePort } from "../helpers/net.js";
import { tempDir } from "../helpers/tmp.js";

const port = await freePort();

describe("tctl against a running auth service", () => {
  const dir = tempDir("tctl-e2e-");
  const dataDir = join(dir, "data");
  const configPath = join(dir, "teleport.yaml");

  const tctl = (...args: string[]): Promise<CliResult> =>
    runCliProcess("tctl", ["-c", configPath, ...args]);

  /** Runs tctl and requires exit code 0; returns stdout. */
  const ok = async (...args: string[]): Promise<string> => {
    const result = await tctl(...args);
    assert.equal(result.code, 0, `tctl ${args.join(" ")} failed: ${result.stderr}`);
    return result.stdout;
  };

  writeFileSync(
    configPath,
    [
      "version: v3",
      "teleport:",
      "  nodename: auth-node",
      `  data_dir: ${dataDir}`,
      "auth_service:",
      "  enabled: true",
      "  cluster_name: tctl.example.com",
      `  listen_addr: 127.0.0.1:${port}`,
      "proxy_service:",
      "  enabled: false",
      "ssh_service:",
      "  enabled: false",
      "",
    ].join("\n"),
  );
  // Started here, not in a hook: startTeleport's clean-up must run when the file ends.
  const daemon: DaemonProcess = startTeleport(["start", "-c", configPath]);
  before(() => daemon.waitFor("Teleport is ready."));

  it("tctl nodes add --ttl=5m --roles=node prints the token and how to join; tokens ls/rm", async () => {
    const out = await ok("nodes", "add", "--ttl=5m", "--roles=node");
    const token = /^The invite token: ([0-9a-f]{32})$/m.exec(out)?.[1];
    assert.ok(token, out);
    assert.match(out, /^This token will expire in 5 minutes\.$/m);
    assert.match(out, new RegExp(`^  auth_token: ${token}$`, "m"));
    assert.match(out, /^ {2}ca_pin: sha256:[0-9a-f]{64}$/m);
    assert.match(out, new RegExp(`^  auth_server: 127\\.0\\.0\\.1:${port}$`, "m"));

    const listed = await ok("tokens", "ls");
    assert.match(listed, /^Token\s+Type\s+Labels\s+Expiry Time \(UTC\)$/m);
    assert.match(
      listed,
      new RegExp(`^${token} Node\\s+\\d\\d \\w{3} \\d\\d \\d\\d:\\d\\d UTC \\(\\d+m\\d+s\\)$`, "m"),
    );

    assert.equal(await ok("tokens", "rm", token), `Token ${token} has been deleted\n`);
    // No node has joined: the table is empty.
    assert.equal(
      await ok("nodes", "ls"),
      "Host UUID Public Address Labels Version\n---- ---- -------------- ------ -------\n",
    );
    assert.doesNotMatch(await ok("tokens", "ls"), new RegExp(token));
  });

  it("tctl status prints the cluster, version and the CA's pin", async () => {
    const identity = parseIdentityFile(readFileSync(join(dataDir, "admin.identity"), "utf8"));
    const pin = caPin(identity.tlsCaCertificatesPem[0] ?? "");
    assert.equal(
      await ok("status"),
      `Cluster  tctl.example.com\nVersion  14.3.33\nCA pin   ${pin}\n`,
    );
  });

  it("tctl users add prints an invite link; users ls lists the user", async () => {
    const out = await ok("users", "add", "alice", "--roles=access", "--logins=root");
    assert.match(out, /^User "alice" has been created but requires a password/);
    assert.match(out, /^https:\/\/[^/\s]+:3080\/web\/invite\/[0-9a-f]{64}$/m);
    assert.match(await ok("users", "ls"), /^alice\s+access$/m);
  });

  it("tctl get roles / create -f / rm role/NAME", async () => {
    const roles = await ok("get", "roles");
    const names = roles.split(/^---$/m).map((doc) => /^ {2}name: (\S+)$/m.exec(doc)?.[1]);
    assert.deepEqual(names, ["access", "auditor", "editor"]);

    const rolePath = join(dir, "role.yaml");
    writeFileSync(
      rolePath,
      "kind: role\nversion: v7\nmetadata:\n  name: dev\nspec:\n  allow:\n    logins: [ubuntu]\n",
    );
    assert.equal(await ok("create", "-f", rolePath), 'role "dev" has been created\n');
    assert.match(await ok("get", "role/dev"), /^ {2}name: dev$/m);
    assert.equal(await ok("rm", "role/dev"), 'role "dev" has been deleted\n');
    const gone = await tctl("get", "role/dev");
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^ERROR: role "dev" is not found/);
  });

  it("tctl auth sign writes an identity file that parses and works", async () => {
    const out = join(dir, "alice.identity");
    assert.equal(
      await ok("auth", "sign", "--user=alice", `--out=${out}`),
      `The credentials have been written to ${out}\n`,
    );
    assert.equal(statSync(out).mode & 0o777, 0o600);
    const parsed = parseIdentityFile(readFileSync(out, "utf8"));
    assert.deepEqual(parsed.sshCert.principals, ["root"]);
    // Used with -i, the file is alice, whose role may not list tokens.
    const denied = await runCliProcess("tctl", [
      "-i",
      out,
      "--auth-server",
      `127.0.0.1:${port}`,
      "tokens",
      "ls",
    ]);
    assert.equal(denied.code, 1);
    assert.match(
      denied.stderr,
      /^ERROR: access denied: user "alice" may not call GET \/v1\/tokens/,
    );
  });

  it("says clearly when the auth service cannot be reached (exit 1)", async () => {
    daemon.child.kill("SIGTERM");
    assert.equal(await daemon.exited, 0);
    const result = await tctl("status");
    assert.equal(result.code, 1);
    assert.equal(
      result.stderr,
      `ERROR: cannot reach the auth service at 127.0.0.1:${port}: connection refused; is teleport running? ` +
        `(tctl uses the identity in ${join(dataDir, "admin.identity")} from -c ${configPath})\n`,
    );
  });
});
