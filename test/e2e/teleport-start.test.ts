import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runCliProcess } from "../helpers/cli.js";
import { startTeleport } from "../helpers/daemon.js";
import { freePort } from "../helpers/net.js";
import { testCgroupRoot } from "../helpers/recording-host.js";
import { teleportYaml } from "../helpers/teleport-yaml.js";
import { tempDir } from "../helpers/tmp.js";
import { waitUntil } from "../helpers/wait.js";

// The node runs in the auth server's process (all-in-one) with enhanced recording, under a
// cgroup root of this test's own, removed at the end.
const cgroupRoot = testCgroupRoot();
after(() => cgroupRoot.remove());

interface Setup {
  dir: string;
  configPath: string;
  pidFile: string;
  diagPort: number;
  authPort: number;
  sshPort: number;
  webPort: number;
}

async function setup(logLines: string[]): Promise<Setup> {
  const dir = tempDir();
  const diagPort = await freePort();
  const authPort = await freePort();
  const sshPort = await freePort();
  const webPort = await freePort();
  const configPath = join(dir, "teleport.yaml");
  writeFileSync(
    configPath,
    teleportYaml({
      nodename: "test-node",
      dataDir: join(dir, "data"),
      diagAddr: `127.0.0.1:${diagPort}`,
      teleportLines: logLines,
      auth: { clusterName: "test", listenAddr: `127.0.0.1:${authPort}` },
      proxy: {
        webListenAddr: `127.0.0.1:${webPort}`,
        listenAddr: `127.0.0.1:${await freePort()}`,
      },
      ssh: {
        listenAddr: `127.0.0.1:${sshPort}`,
        enhanced: { enabled: true, rootPath: cgroupRoot.rootPath },
      },
    }),
  );
  return {
    dir,
    configPath,
    pidFile: join(dir, "run", "teleport.pid"),
    diagPort,
    authPort,
    sshPort,
    webPort,
  };
}

async function status(port: number, path: string): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  await response.text();
  return response.status;
}

describe("teleport start", () => {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`serves until ${signal}, then stops cleanly with exit code 0`, async () => {
      const s = await setup([]);
      const daemon = startTeleport(["start", "-c", s.configPath, `--pid-file=${s.pidFile}`]);
      await daemon.waitFor("Teleport is ready.");

      assert.equal(readFileSync(s.pidFile, "utf8"), `${daemon.child.pid}\n`);
      assert.ok(existsSync(join(s.dir, "data")), "data_dir is created");
      assert.equal(await status(s.diagPort, "/healthz"), 200);
      assert.equal(await status(s.diagPort, "/readyz"), 200);
      assert.match(
        daemon.stderr(),
        new RegExp(`INFO \\[AUTH\\] Auth service is listening on 127\\.0\\.0\\.1:${s.authPort}\\.`),
      );
      // All-in-one: the SSH Service runs too, with its identity from the auth server.
      assert.match(
        daemon.stderr(),
        new RegExp(`SSH service is listening\\. addr="?127\\.0\\.0\\.1:${s.sshPort}`),
      );
      assert.match(
        daemon.stderr(),
        new RegExp(`Proxy web service is listening .*addr="?127\\.0\\.0\\.1:${s.webPort}`),
      );
      assert.doesNotMatch(daemon.stderr(), /Not started/);

      daemon.child.kill(signal);
      assert.equal(await daemon.exited, 0);
      assert.match(
        daemon.stderr(),
        new RegExp(`Teleport is stopping\\. reason="received ${signal}"`),
      );
      assert.match(daemon.stderr(), /Teleport has stopped\./);
      assert.equal(existsSync(s.pidFile), false, "pid file removed");
    });
  }

  it("writes JSON logs to a file when the config says so", async () => {
    const s = await setup([
      "  log:",
      "    output: LOGFILE",
      "    severity: debug",
      "    format:",
      "      output: json",
    ]);
    const logFile = join(s.dir, "logs", "teleport.log");
    writeFileSync(s.configPath, readFileSync(s.configPath, "utf8").replace("LOGFILE", logFile));
    const daemon = startTeleport(["start", "--config", s.configPath]);
    await waitUntil("the ready line in the log file", () =>
      existsSync(logFile) && readFileSync(logFile, "utf8").includes("Teleport is ready.")
        ? true
        : undefined,
    );
    daemon.child.kill("SIGTERM");
    assert.equal(await daemon.exited, 0);
    const lines = readFileSync(logFile, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const ready = lines.find((l) => l["message"] === "Teleport is ready.");
    assert.ok(ready, "ready line logged");
    assert.equal(ready["level"], "info");
    assert.equal(ready["component"], "process");
    assert.match(String(ready["timestamp"]), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    assert.ok(lines.some((l) => l["message"] === "Teleport has stopped."));
  });

  it("refuses an invalid config with a clear error, exit code 1, and starts nothing", async () => {
    const s = await setup([]);
    writeFileSync(
      s.configPath,
      "version: v3\nssh_service:\n  enhanced_recording:\n    disk_buffer_size: abc\n",
    );
    const result = await runCliProcess("teleport", [
      "start",
      "-c",
      s.configPath,
      `--pid-file=${s.pidFile}`,
    ]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^ERROR: .*ssh_service\.enhanced_recording\.disk_buffer_size: expected a positive whole number of pages, got "abc"/m,
    );
    assert.equal(existsSync(s.pidFile), false);
  });

  it("says how to create a missing config file", async () => {
    const dir = tempDir();
    const result = await runCliProcess("teleport", ["start", "-c", join(dir, "nope.yaml")]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /nope\.yaml/);
    assert.match(result.stderr, /teleport configure -o/);
  });

  it("fails with exit code 1 when its diagnostic port is taken", async () => {
    const s = await setup([]);
    const first = startTeleport(["start", "-c", s.configPath]);
    await first.waitFor("Teleport is ready.");
    const second = await runCliProcess("teleport", ["start", "-c", s.configPath]);
    assert.equal(second.code, 1);
    assert.match(
      second.stderr,
      new RegExp(
        `^ERROR: teleport\\.diag_addr 127\\.0\\.0\\.1:${s.diagPort}: address already in use`,
        "m",
      ),
    );
    first.child.kill("SIGTERM");
    assert.equal(await first.exited, 0);
  });
});
