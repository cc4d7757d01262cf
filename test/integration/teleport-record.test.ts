import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { findCgroup2Mount } from "../../src/cgroup/index.js";
import { collect, runCliProcess, spawnCli } from "../helpers/cli.js";
import { waitUntil } from "../helpers/wait.js";
import { needsRoot } from "../helpers/engine.js";
import { tempDir } from "../helpers/tmp.js";

type Line = Record<string, unknown>;

function lines(text: string): Line[] {
  return text
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Line);
}

/**
 * A config for teleport record with a root_path of its own on this host's cgroup v2 mount, so the
 * test leaves no cgroup behind (an instance keeps <root_path> for its siblings).
 */
function recordConfig(): string {
  const rootPath = `/teleport-test-${randomUUID().slice(0, 8)}`;
  const cgroupPath = findCgroup2Mount() ?? "/cgroup2";
  after(() => {
    const dir = join(cgroupPath, rootPath);
    if (existsSync(dir)) rmdirSync(dir);
  });
  const file = join(tempDir(), "teleport.yaml");
  writeFileSync(
    file,
    `version: v3\nssh_service:\n  enhanced_recording:\n    cgroup_path: ${cgroupPath}\n    root_path: ${rootPath}\n`,
  );
  return file;
}

describe("teleport record", { skip: needsRoot }, () => {
  it("runs the guide's obfuscated command and writes its events and a summary as JSON lines", async () => {
    const out = join(tempDir(), "events.jsonl");
    const encoded = Buffer.from("ls -la /tmp\n").toString("base64");
    const result = await runCliProcess("teleport", [
      "record",
      "-c",
      recordConfig(),
      "--out",
      out,
      "--",
      "sh",
      "-c",
      `echo ${encoded} | base64 --decode | sh`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /\n/, "the command's own output passes through");
    const events = lines(readFileSync(out, "utf8"));
    const summary = events.at(-1);
    assert.equal(summary?.["event"], "record.summary");
    assert.equal(summary?.["exit_code"], 0);

    const ls = events.find((e) => e["event"] === "session.command" && e["program"] === "ls");
    assert.ok(ls, "session.command for the decoded ls");
    assert.deepEqual(ls["argv"], ["-la", "/tmp"]);
    assert.equal(ls["code"], "T4000I");
    assert.equal(ls["return_code"], 0);
    for (const field of [
      "sid",
      "uid",
      "time",
      "pid",
      "ppid",
      "cgroup_id",
      "path",
      "ei",
      "login",
      "server_hostname",
    ]) {
      assert.ok(field in ls, `session.command has ${field}`);
    }
    assert.ok(
      events.some((e) => e["event"] === "session.disk"),
      "file opens are recorded",
    );
    const eis = events.filter((e) => e["event"] !== "record.summary").map((e) => e["ei"]);
    assert.deepEqual(
      eis,
      eis.map((_, i) => i),
      "ei counts the session's events from 0",
    );
    const recorded = summary?.["recorded"] as Record<string, number>;
    assert.equal(
      recorded["command"],
      events.filter((e) => e["event"] === "session.command").length,
    );
    assert.deepEqual(summary?.["lost"], {
      kernel: { command: 0, disk: 0, network: 0 },
      user: { command: 0, disk: 0, network: 0 },
    });
  });

  it("records only the kinds --events asks for, and exits with the command's exit code", async () => {
    const out = join(tempDir(), "events.jsonl");
    const result = await runCliProcess("teleport", [
      "record",
      "-c",
      recordConfig(),
      "--events",
      "command",
      "--out",
      out,
      "--",
      "sh",
      "-c",
      "cat /etc/hostname >/dev/null; exit 3",
    ]);
    assert.equal(result.code, 3, result.stderr);
    const kinds = new Set(lines(readFileSync(out, "utf8")).map((e) => e["event"]));
    assert.deepEqual([...kinds].sort(), ["record.summary", "session.command"]);
  });

  it("writes to stderr by default and reports a program that cannot run", async () => {
    const result = await runCliProcess("teleport", [
      "record",
      "-c",
      recordConfig(),
      "--",
      "/nonexistent/cmd",
    ]);
    assert.equal(result.code, 127);
    assert.match(result.stderr, /teleport-launcher: .*\/nonexistent\/cmd/);
    const failed = lines(result.stderr).find((e) => e["event"] === "session.command");
    assert.equal(failed?.["path"], "/nonexistent/cmd");
    assert.equal(failed?.["return_code"], -2);
  });

  it("on SIGTERM passes the signal to the command, then still writes the summary and cleans up", async () => {
    const out = join(tempDir(), "events.jsonl");
    const config = recordConfig();
    const child = spawnCli("teleport", ["record", "-c", config, "--out", out, "--", "sleep", "30"]);
    const done = collect(child, 30_000);
    await waitUntil("sleep to start in the session", () =>
      existsSync(out) && readFileSync(out, "utf8").includes('"program":"sleep"') ? true : undefined,
    );
    child.kill("SIGTERM");
    const result = await done;
    assert.equal(result.code, 143, result.stderr);
    const summary = lines(readFileSync(out, "utf8")).at(-1);
    assert.equal(summary?.["event"], "record.summary");
    assert.equal(summary?.["exit_code"], 143);
  });

  it("refuses a config with invalid buffer sizes before loading anything", async () => {
    const config = join(tempDir(), "teleport.yaml");
    writeFileSync(
      config,
      "version: v3\nssh_service:\n  enhanced_recording:\n    command_buffer_size: 0\n",
    );
    const result = await runCliProcess("teleport", ["record", "-c", config, "--", "true"]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /ssh_service\.enhanced_recording\.command_buffer_size: expected a positive whole number of pages, got 0/,
    );
  });
});
