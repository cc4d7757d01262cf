// A node whose stored identity is of a cluster that no longer exists (auth re-created with new
// CAs) says so and how to rejoin, instead of failing every heartbeat and login in silence.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync, rmdirSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { findCgroup2Mount } from "../../src/cgroup/index.js";
import { parseConfig } from "../../src/config/index.js";
import { createLogger } from "../../src/log/index.js";
import { startNodeService } from "../../src/node/index.js";
import { freePort } from "../helpers/net.js";
import { tempDir } from "../helpers/tmp.js";
import { startAuthFixture, type AuthFixture } from "./auth-fixture.js";
import { nodeConfigYaml } from "./node-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (cgroups)" : false;

describe("a node's stored identity from a cluster that was re-created", { skip }, () => {
  const rootPath = `/teleport-test-${randomUUID().slice(0, 8)}`;
  const auths: AuthFixture[] = [];
  after(async () => {
    for (const auth of auths) await auth.close();
    const root = join(findCgroup2Mount() ?? "/sys/fs/cgroup", rootPath);
    if (existsSync(root)) rmdirSync(root);
  });

  it("stops the node with what happened and how to join again", async () => {
    const dir = tempDir("node-identity-");
    const dataDir = join(dir, "data");
    const port = await freePort();
    const logger = createLogger({
      output: join(dir, "node.log"),
      severity: "INFO",
      format: "json",
    });
    const config = (authServer: string, token?: string) =>
      parseConfig(
        nodeConfigYaml({
          dataDir,
          authServer,
          ...(token === undefined ? {} : { token }),
          port,
          rootPath,
          enhanced: false,
          labels: {},
          sshServiceLines: [],
        }),
        "teleport.yaml",
      );

    const old = await startAuthFixture({ clusterName: "old.example.com" });
    auths.push(old);
    const token = await old.admin.addToken({ roles: ["node"], ttl: "5m" });
    const node = await startNodeService({ config: config(old.server.addr, token.token), logger });
    await node.close();

    const fresh = await startAuthFixture({ clusterName: "old.example.com" });
    auths.push(fresh);
    await assert.rejects(
      startNodeService({ config: config(fresh.server.addr), logger }),
      (error: Error) => {
        assert.match(
          error.message,
          /is not of the cluster this node joined \("old\.example\.com"\)/,
        );
        assert.match(error.message, new RegExp(`remove ${join(dataDir, "node")} and join again`));
        return true;
      },
    );
    // Nothing is left listening: the port is free for the next start.
    const again = await startNodeService({ config: config(old.server.addr), logger });
    await again.close();
  });
});
