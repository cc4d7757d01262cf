import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, rmdirSync, statSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { EnhancedRecorder } from "../../src/bpf/index.js";
import {
  commands,
  connects,
  needsRoot,
  useTestRecorder,
  opens,
  recordSession,
  startSession,
} from "../helpers/engine.js";
import { launcherArgs, launcherPath } from "../../src/launcher/index.js";
import { tempDir } from "../helpers/tmp.js";
import { waitUntil } from "../helpers/wait.js";

const O_ACCMODE = 3;

function listen(host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.destroy());
    server.once("error", reject);
    server.listen(0, host, () => resolve(server));
  });
}

describe("enhanced recording engine (real kernel)", { skip: needsRoot }, () => {
  const recorderOf = useTestRecorder();
  let recorder: EnhancedRecorder;
  before(() => {
    recorder = recorderOf();
  });

  it("sees through an obfuscated pipeline: base64, sh and the decoded ls", async () => {
    const encoded = Buffer.from("ls -la /tmp\n").toString("base64");
    const run = await recordSession(recorder, [
      "/bin/sh",
      "-c",
      `echo ${encoded} | base64 --decode | sh`,
    ]);
    assert.equal(run.exitCode, 0, run.stderr);
    const execs = commands(run);
    const base64 = execs.find((r) => r.comm === "base64");
    assert.ok(base64, "base64 recorded");
    assert.deepEqual(base64.argv.slice(1), ["--decode"]);
    const innerSh = execs.find((r) => r.comm === "sh" && r.argv.length === 1);
    assert.ok(innerSh, `the inner sh recorded; got ${JSON.stringify(execs.map((r) => r.argv))}`);
    const ls = execs.find((r) => r.comm === "ls");
    assert.ok(ls, "the decoded ls recorded");
    assert.deepEqual(ls.argv.slice(1), ["-la", "/tmp"]);
    assert.equal(ls.returnCode, 0);
    assert.equal(ls.ppid, innerSh.pid, "ls was started by the sh that read the decoded text");
  });

  it("records the commands of a script and those run with echo off", async () => {
    const dir = tempDir();
    const script = join(dir, "script.sh");
    writeFileSync(script, "#!/bin/sh\nid -u\nuname -r\n");
    chmodSync(script, 0o755);
    const run = await recordSession(recorder, [script]);
    assert.equal(run.exitCode, 0, run.stderr);
    const argvs = commands(run).map((r) => r.argv);
    assert.deepEqual(argvs[0], [script]);
    assert.ok(
      argvs.some((a) => a[0] === "id" && a[1] === "-u"),
      JSON.stringify(argvs),
    );
    assert.ok(
      argvs.some((a) => a[0] === "uname" && a[1] === "-r"),
      JSON.stringify(argvs),
    );

    // `script` gives the session a terminal, so stty really turns echo off before the command.
    const echoOff = await recordSession(recorder, [
      "script",
      "-qec",
      "stty -echo; hostname",
      "/dev/null",
    ]);
    assert.equal(echoOff.exitCode, 0, echoOff.stderr);
    const names = commands(echoOff).map((r) => r.argv.join(" "));
    assert.ok(names.includes("stty -echo"), JSON.stringify(names));
    assert.ok(names.includes("hostname"), JSON.stringify(names));
  });

  it("records a failed exec with -errno", async () => {
    const run = await recordSession(recorder, ["/bin/sh", "-c", "/nonexistent/cmd arg; true"]);
    const failed = commands(run).find((r) => r.path === "/nonexistent/cmd");
    assert.ok(failed, "the failed exec is recorded");
    assert.equal(failed.returnCode, -2);
    assert.deepEqual(failed.argv, ["/nonexistent/cmd", "arg"]);
  });

  it("records file opens with flags and result", async () => {
    const run = await recordSession(recorder, [
      "/bin/sh",
      "-c",
      "cat /etc/hostname; cat /nonexistent-file; true",
    ]);
    const hostname = opens(run).find((r) => r.path === "/etc/hostname");
    assert.ok(hostname, "the open of /etc/hostname is recorded");
    assert.equal(hostname.flags & O_ACCMODE, 0, "O_RDONLY");
    assert.ok(hostname.returnCode >= 0);
    const missing = opens(run).find((r) => r.path === "/nonexistent-file");
    assert.ok(missing);
    assert.equal(missing.returnCode, -2);
  });

  it("records TCP connects over IPv4 and IPv6 with exact addresses and ports", async () => {
    const v4 = await listen("127.0.0.1");
    const v6 = await listen("::1");
    after(() => {
      v4.close();
      v6.close();
    });
    const p4 = (v4.address() as AddressInfo).port;
    const p6 = (v6.address() as AddressInfo).port;
    const run = await recordSession(recorder, [
      "/bin/bash",
      "-c",
      `echo > /dev/tcp/127.0.0.1/${p4}; echo > /dev/tcp/::1/${p6}`,
    ]);
    assert.equal(run.exitCode, 0, run.stderr);
    const seen = connects(run).map((r) => [r.version, r.srcAddr, r.dstAddr, r.dstPort, r.comm]);
    assert.deepEqual(seen, [
      [4, "127.0.0.1", "127.0.0.1", p4, "bash"],
      [6, "::1", "::1", p6, "bash"],
    ]);
  });

  it("keeps attributing a session that moves to another cgroup, setsid()s and daemonizes; nothing from outside", async () => {
    const dir = tempDir();
    const other = join(recorder.instanceDir, "..", `elsewhere-${process.pid}`);
    mkdirSync(other);
    after(() => existsSync(other) && rmdirSync(other));
    const marker = join(dir, "daemon-done");
    const script = [
      `echo $$ > ${other}/cgroup.procs`,
      "id -u",
      "setsid uname -r",
      `nohup sh -c 'hostname; touch ${marker}' >/dev/null 2>&1 &`,
    ].join("; ");
    // The same commands, at the same time, outside any session.
    const outside = spawn(
      "/bin/sh",
      [
        "-c",
        script
          .replace(marker, join(dir, "outside-done"))
          .replace(`echo $$ > ${other}/cgroup.procs; `, ""),
      ],
      {
        stdio: "ignore",
      },
    );
    const outsideDone = new Promise((resolve) => outside.on("close", resolve));
    const session = startSession(recorder, ["/bin/sh", "-c", script]);
    await waitUntil("the daemonized command to finish", () =>
      existsSync(marker) ? true : undefined,
    );
    await outsideDone;
    const run = await session.finish();
    // setsid and nohup search PATH, so their failed tries are recorded too (-ENOENT): count successes.
    const names = commands(run)
      .filter((r) => r.returnCode === 0)
      .map((r) => r.argv.join(" "));
    for (const expected of ["id -u", "setsid uname -r", "uname -r", "hostname"]) {
      assert.equal(
        names.filter((n) => n === expected).length,
        1,
        `${expected} once in ${JSON.stringify(names)}`,
      );
    }
    const otherId = statSync(other, { bigint: true }).ino;
    const id = commands(run).find((r) => r.argv.join(" ") === "id -u");
    assert.equal(
      id?.cgroupId,
      otherId,
      "the process left the session cgroup and is still recorded",
    );
  });

  it("never puts an event in the wrong one of two concurrent sessions", async () => {
    const loop = (command: string): string[] => [
      "/bin/sh",
      "-c",
      `for i in $(seq 30); do ${command} >/dev/null; done`,
    ];
    const a = startSession(recorder, loop("uname -s"));
    const b = startSession(recorder, loop("id -u"));
    const [runA, runB] = await Promise.all([a.finish(), b.finish()]);
    const namesA = commands(runA).map((r) => r.comm);
    const namesB = commands(runB).map((r) => r.comm);
    assert.equal(namesA.filter((n) => n === "uname").length, 30);
    assert.equal(namesB.filter((n) => n === "id").length, 30);
    assert.ok(!namesA.includes("id"), "no id in session A");
    assert.ok(!namesB.includes("uname"), "no uname in session B");
  });

  it("a session whose sink throws costs no other session its records, and counts what it lost", async () => {
    const failing = recorder.openSession("failing-sink", ["command"], {
      record: () => {
        throw new Error("disk full");
      },
    });
    const child = spawn(
      launcherPath(),
      launcherArgs({
        cgroupProcs: failing.cgroup.procsPath,
        program: "/bin/sh",
        args: ["-c", "for i in $(seq 20); do /bin/true; done"],
      }),
      { stdio: "ignore" },
    );
    const healthy = startSession(recorder, [
      "/bin/sh",
      "-c",
      "for i in $(seq 20); do /bin/true; done",
    ]);
    await new Promise((resolve) => child.on("close", resolve));
    const [failed, run] = await Promise.all([
      recorder.closeSession("failing-sink"),
      healthy.finish(),
    ]);
    assert.ok(failed.sinkFailures >= 21, `sink failures counted: ${failed.sinkFailures}`);
    assert.equal(commands(run).filter((r) => r.path === "/bin/true").length, 20);
  });

  it("records 300 arguments and a 12 KiB argument in full, and flags what is beyond the limit", async () => {
    const many = Array.from({ length: 300 }, (_, i) => `arg-${i}`);
    const big = "x".repeat(12 * 1024);
    const huge = "y".repeat(20 * 1024);
    const run = await recordSession(recorder, [
      "/bin/sh",
      "-c",
      `/bin/true "$@"; /bin/echo ${big} > /dev/null; /bin/echo ${huge} > /dev/null`,
      "sh",
      ...many,
    ]);
    const execs = commands(run);
    const trueRun = execs.find((r) => r.path === "/bin/true");
    assert.deepEqual(trueRun?.argv.slice(1), many);
    assert.equal(trueRun?.argsTruncated, false);
    const bigRun = execs.find((r) => r.path === "/bin/echo" && r.argv[1]?.startsWith("x"));
    assert.equal(bigRun?.argv[1], big);
    assert.equal(bigRun?.argsTruncated, false);
    const hugeRun = execs.find((r) => r.path === "/bin/echo" && r.argv[1]?.startsWith("y"));
    assert.ok(hugeRun, "the exec with a 20 KiB argument is recorded");
    assert.equal(hugeRun.argsTruncated, true);
    assert.ok(
      huge.startsWith(hugeRun.argv[1] ?? "!"),
      "the kept part is the start of the argument, not garbage",
    );
  });
});

describe("loss is never silent (real kernel)", { skip: needsRoot }, () => {
  const recorderOf = useTestRecorder({ bufferPages: { command: 1, disk: 128, network: 8 } });
  it("with a 1-page command ring, delivered + lost = execs performed", async () => {
    const dir = tempDir();
    const burst = join(dir, "exec-burst");
    execFileSync("cc", [
      "-O2",
      "-o",
      burst,
      join(import.meta.dirname, "..", "fixtures", "native", "exec-burst.c"),
    ]);
    const recorder = recorderOf();
    const target = join(dir, "missing-program");
    const run = await recordSession(recorder, [burst, "20000", target], ["command"]);
    assert.equal(run.exitCode, 0, run.stderr);
    const performed = Number(run.stdout.trim()) + 1; // + the launcher's exec of exec-burst itself
    assert.equal(performed, 20001);
    const delivered = commands(run).length;
    const lost = run.summary.lost.kernel.command + run.summary.lost.user.command;
    assert.ok(
      lost > 0,
      "a 1-page ring cannot hold a 20,000-exec burst: losses are expected and counted",
    );
    assert.equal(delivered + lost, performed, `delivered ${delivered} + lost ${lost}`);
  });
});
