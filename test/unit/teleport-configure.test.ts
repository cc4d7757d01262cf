import assert from "node:assert/strict";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { buildTeleportCli } from "../../src/cli/teleport.js";
import { findCgroup2Mount } from "../../src/cgroup/index.js";
import { parseConfig } from "../../src/config/index.js";
import { runInProcess } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

describe("teleport configure", () => {
  it("prints an all-in-one config with enhanced recording that teleport start accepts", async () => {
    const result = await runInProcess(buildTeleportCli, ["configure"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^# teleport\.yaml: an all-in-one cluster/);
    const config = parseConfig(result.stdout, "configure output");
    assert.equal(config.teleport.nodename, hostname());
    assert.equal(config.teleport.data_dir, "/var/lib/teleport");
    assert.equal(config.auth_service.enabled, true);
    assert.equal(config.auth_service.cluster_name, hostname());
    assert.equal(config.proxy_service.enabled, true);
    assert.equal(config.ssh_service.enabled, true);
    const recording = config.ssh_service.enhanced_recording;
    assert.equal(recording.enabled, true);
    assert.deepEqual(
      [recording.command_buffer_size, recording.disk_buffer_size, recording.network_buffer_size],
      [8, 128, 8],
    );
    assert.equal(recording.cgroup_path, findCgroup2Mount() ?? "/cgroup2");
    assert.equal(recording.root_path, "/teleport");
  });

  it("takes the data dir, names and public address from flags", async () => {
    const dir = tempDir();
    const result = await runInProcess(buildTeleportCli, [
      "configure",
      "--data-dir",
      dir,
      "--cluster-name",
      "purple",
      "--nodename",
      "graviton-node",
      "--public-addr",
      "teleport.example.com:443",
    ]);
    assert.equal(result.code, 0, result.stderr);
    const config = parseConfig(result.stdout, "configure output");
    assert.equal(config.teleport.data_dir, dir);
    assert.equal(config.auth_service.cluster_name, "purple");
    assert.equal(config.teleport.nodename, "graviton-node");
    assert.match(result.stdout, /public_addr: teleport\.example\.com:443/);
  });

  it("-o writes the file with mode 0600 and never overwrites an existing one", async () => {
    const file = join(tempDir(), "teleport.yaml");
    const first = await runInProcess(buildTeleportCli, ["configure", "-o", file]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, "");
    assert.equal(statSync(file).mode & 0o777, 0o600);
    parseConfig(readFileSync(file, "utf8"), file);

    writeFileSync(file, "version: v3\n");
    const second = await runInProcess(buildTeleportCli, ["configure", "-o", file]);
    assert.equal(second.code, 1);
    assert.equal(
      second.stderr,
      `ERROR: ${file} already exists: remove it first or choose another file with -o\n`,
    );
    assert.equal(readFileSync(file, "utf8"), "version: v3\n");
  });

  it("refuses flags that would make an invalid config", async () => {
    const result = await runInProcess(buildTeleportCli, [
      "configure",
      "--public-addr",
      "host:99999",
    ]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /proxy_service\.public_addr/);
    assert.equal(result.stdout, "");
  });
});
