import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { parseConfig } from "../../src/config/index.js";
import { startDaemon, type RunningDaemon } from "../../src/daemon/index.js";
import { createLogger } from "../../src/log/index.js";
import { needsRoot } from "../helpers/engine.js";
import { sample, scrape } from "../helpers/metrics.js";
import { freePort } from "../helpers/net.js";
import { testCgroupRoot } from "../helpers/recording-host.js";
import { teleportYaml } from "../helpers/teleport-yaml.js";
import { tempDir } from "../helpers/tmp.js";

describe("an all-in-one daemon's /metrics (real kernel)", { skip: needsRoot }, () => {
  const cgroupRoot = testCgroupRoot();
  let daemon: RunningDaemon | undefined;
  after(async () => {
    await daemon?.stop("test over");
    cgroupRoot.remove();
  });

  it("serves the configured ring sizes, nothing lost, no sessions and no recordings waiting", async () => {
    const dir = tempDir("metrics-daemon-");
    const diagPort = await freePort();
    const config = parseConfig(
      teleportYaml({
        nodename: "metrics-node",
        dataDir: join(dir, "data"),
        diagAddr: `127.0.0.1:${diagPort}`,
        auth: { clusterName: "metrics.test", listenAddr: `127.0.0.1:${await freePort()}` },
        ssh: {
          listenAddr: `127.0.0.1:${await freePort()}`,
          enhanced: {
            enabled: true,
            rootPath: cgroupRoot.rootPath,
            bufferPages: { command: 32, disk: 64, network: 16 },
          },
        },
      }),
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
