// How tsh reads its command line: [LOGIN@]NODE, when to ask for a PTY, options before or after
// the subcommand, and what follows the node belonging to the remote command.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Command } from "commander";
import { buildTshCli } from "../../src/cli/tsh.js";
import { globalsOf } from "../../src/cli/tsh-context.js";
import { parseSshTarget, wantsPty } from "../../src/cli/tsh-ssh.js";
import type { CliIo } from "../../src/cli/run.js";
import { runInProcess } from "../helpers/cli.js";

const silent: CliIo = { stdout: () => undefined, stderr: () => undefined };

/** Parses argv with the real tree, the actions replaced by capturing the command reached. */
async function parsed(argv: string[]): Promise<{ command: Command; args: unknown[] }> {
  const program = buildTshCli(silent);
  let reached: { command: Command; args: unknown[] } | undefined;
  const capture = (command: Command): void => {
    command.action((...args: unknown[]) => {
      reached = { command, args };
    });
    command.commands.forEach(capture);
  };
  program.commands.forEach(capture);
  await program.parseAsync(argv, { from: "user" });
  assert.ok(reached, argv.join(" "));
  return reached;
}

describe("tsh arguments", () => {
  it("LOGIN@NODE, -l and the local user name choose the login", () => {
    assert.deepEqual(parseSshTarget("root@node-1", {}, "me"), {
      node: "node-1",
      login: "root",
      port: undefined,
    });
    assert.deepEqual(parseSshTarget("node-1", { port: 2222 }, "me"), {
      node: "node-1",
      login: "me",
      port: 2222,
    });
    assert.equal(parseSshTarget("root@node-1", { login: "bob" }, "me").login, "bob");
    assert.throws(() => parseSshTarget("root@", {}, "me"), /"root@" names no node/);
  });

  it("a PTY for a shell at a terminal; -t and -T decide otherwise", () => {
    assert.equal(wantsPty(undefined, false, true), true);
    assert.equal(wantsPty(undefined, true, true), false);
    assert.equal(wantsPty(undefined, false, false), false);
    assert.equal(wantsPty(true, true, false), true);
    assert.equal(wantsPty(false, false, true), false);
  });

  it("options after the node belong to the remote command", async () => {
    const { args } = await parsed(["ssh", "-t", "-p", "2222", "root@node-1", "ls", "-la", "-t"]);
    assert.equal(args[0], "root@node-1");
    assert.deepEqual(args[1], ["ls", "-la", "-t"]);
    assert.deepEqual(args[2], { port: 2222, tty: true });
  });

  it("-T turns the PTY off", async () => {
    const { args } = await parsed(["ssh", "-T", "node-1"]);
    assert.deepEqual(args[2], { tty: false });
  });

  it("--proxy, --user, -i and --insecure work before and after the subcommand", async () => {
    const after = await parsed([
      "login",
      "--proxy=p.example.com:3080",
      "--user=alice",
      "--insecure",
    ]);
    assert.deepEqual(globalsOf(after.command), {
      identity: undefined,
      proxy: "p.example.com:3080",
      user: "alice",
      insecure: true,
    });
    const before = await parsed(["-i", "/id", "--proxy", "p:3080", "ls"]);
    assert.deepEqual(globalsOf(before.command), {
      identity: "/id",
      proxy: "p:3080",
      user: undefined,
      insecure: false,
    });
  });

  it("a bad port is a usage error", async () => {
    const result = await runInProcess(buildTshCli, ["ssh", "-p", "ssh", "node-1"]);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /expected a port number from 1 to 65535, got "ssh"/);
  });

  it("-i needs --proxy, and a missing identity file is named", async () => {
    const noProxy = await runInProcess(buildTshCli, ["-i", "/nonexistent", "ls"]);
    assert.equal(noProxy.code, 2);
    assert.match(
      noProxy.stderr,
      /^ERROR: -i needs --proxy=HOST:PORT: an identity file does not say where the cluster's proxy is$/m,
    );
    const missing = await runInProcess(buildTshCli, ["-i", "/nonexistent", "--proxy=p", "ls"]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, "ERROR: identity file /nonexistent does not exist\n");
  });
});
