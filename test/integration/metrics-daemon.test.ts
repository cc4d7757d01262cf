import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { findCgroup2Mount } from "../../src/cgroup/index.js";
import { parseConfig } from "../../src/config/index.js";
import { startDaemon, type RunningDaemon } from "../../src/daemon/index.js";
import { createLogger } from "../../src/log/index.js";
import { needsRoot } from "../helpers/engine.js";
import { sample, scrape } from "../helpers/metrics.js";
import { freePort } from "../helpers/net.js";
import { tempDir } from "../helpers/tmp.js";

describe("an all-in-one daemon's /metrics (real kernel)", { skip: needsRoot }, () => {
  const cgroupMount = findCgroup2Mount();
  const rootPath = `/teleport-test-${randomUUID().slice(0, 8)}`;
  let daemon: RunningDaemon | undefined;
  after(async () => {
    await daemon?.stop("test over");
    const root = join(cgroupMount ?? "/sys/fs/cgroup", rootPath);
    if (existsSync(root)) rmdirSync(root);
  });

  it("serves the configured ring sizes, nothing lost, no sessions and no recordings waiting", async () => {
    const dir = tempDir("metrics-daemon-");
    const diagPort = await freePort();
    const config = parseConfig(
      [
        "version: v3",
        "teleport:",
        "  nodename: metrics-node",
        `  data_dir: ${join(dir, "data")}`,
        `  diag_addr: 127.0.0.1:${diagPort}`,
        "auth_service:",
        "  enabled: true",
        "  cluster_name: metrics.test",
        `  listen_addr: 127.0.0.1:${await freePort()}`,
        "proxy_service:",
        "  enabled: false",
        "ssh_service:",
        "  enabled: true",
        `  listen_addr: 127.0.0.1:${await freePort()}`,
        "  enhanced_recording:",
        "    enabled: true",
        "    command_buffer_size: 32",
        "    disk_buffer_size: 64",
        "    network_buffer_size: 16",
        `    cgroup_path: ${cgroupMount ?? "/sys/fs/cgroup"}`,
        `    root_path: ${rootPath}`,
        "",
      ].join("\n"),
      "teleport.yaml",
    );
    const logger = createLogger({
      output: join(dir, "teleport.log"),
      severity: "DEBUG",
      format: "json",
    });
    daemon = await startDaemon({ config, configPath: join(dir, "teleport.yaml"), logger });

    assert.equal((await scrape(diagPort, "/readyz")).status, 200);
    const { status, text } = await scrape(diagPort);
    assert.equal(status, 200, text);
    const pages = { command: 32, disk: 64, network: 16 };
    for (const [kind, count] of Object.entries(pages)) {
      assert.equal(
        sample(text, "teleport_enhanced_ring_size_bytes", { kind }),
        count * 4096,
        `${kind}:\n${text}`,
      );
      assert.equal(sample(text, "teleport_enhanced_events_lost_total", { kind }), 0, kind);
    }
    assert.equal(sample(text, "teleport_active_sessions"), 0);
    assert.equal(sample(text, "teleport_upload_queue"), 0);
  });
});
