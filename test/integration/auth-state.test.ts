// The auth server's state on first start and after: backend, CAs, cluster name, server id,
// admin identity.
import assert from "node:assert/strict";
import { statSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import {
  caPin,
  ClusterNameMismatchError,
  parseIdentityFile,
  startAuthServer,
  type AuthServer,
} from "../../src/auth/index.js";
import { readTlsIdentity } from "../../src/auth/ca/index.js";
import { createLogger } from "../../src/log/index.js";
import { tempDir } from "../helpers/tmp.js";

const logger = createLogger({ output: "stderr", severity: "ERROR", format: "json" });
const DAY = 24 * 60 * 60 * 1000;

function start(
  dataDir: string,
  extra: { clusterName?: string; now?: () => Date } = {},
): Promise<AuthServer> {
  return startAuthServer({
    dataDir,
    listen: { host: "127.0.0.1", port: 0 },
    logger,
    hostname: "auth-host",
    ...extra,
  });
}

describe("auth state", () => {
  const servers: AuthServer[] = [];
  after(async () => {
    for (const server of servers) await server.close();
  });

  it("is made on first start and reused after a restart", async () => {
    const dataDir = join(tempDir("auth-state-"), "data");
    const first = await start(dataDir, { clusterName: "alpha" });
    const id = readFileSync(join(dataDir, "host_uuid"), "utf8").trim();
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(first.state.serverId, id);
    assert.ok(statSync(join(dataDir, "backend.db")).isFile());
    const pin = first.state.caPin;
    assert.equal(pin, caPin(first.state.cas.tlsCa.certPem));
    const identityPath = join(dataDir, "admin.identity");
    const identityText = readFileSync(identityPath, "utf8");
    await first.close();

    // No cluster_name in the config now: the stored one stays.
    const second = await start(dataDir);
    servers.push(second);
    assert.equal(second.state.clusterName, "alpha");
    assert.equal(second.state.serverId, id);
    assert.equal(second.state.caPin, pin);
    assert.equal(readFileSync(identityPath, "utf8"), identityText, "a good identity is kept");
    const roles = (await second.state.roles.list()).map((role) => role.metadata.name);
    assert.deepEqual(roles, ["access", "auditor", "editor"]);
  });

  it("refuses a configured cluster name that differs from the stored one", async () => {
    const dataDir = join(tempDir("auth-state-"), "data");
    await (await start(dataDir, { clusterName: "alpha" })).close();
    await assert.rejects(start(dataDir, { clusterName: "beta" }), (error: unknown) => {
      assert.ok(error instanceof ClusterNameMismatchError);
      assert.match(error.message, /cluster_name is "beta" but this cluster was created as "alpha"/);
      assert.match(error.message, /set cluster_name: alpha/);
      return true;
    });
  });

  it("names a new cluster after the host when the config does not", async () => {
    const server = await start(join(tempDir("auth-state-"), "data"));
    servers.push(server);
    assert.equal(server.state.clusterName, "auth-host");
  });

  it("makes one set of CAs when two auth servers start on one data dir at once", async () => {
    const dataDir = join(tempDir("auth-state-"), "data");
    const both = await Promise.all([start(dataDir), start(dataDir)]);
    servers.push(...both);
    assert.equal(both[0].state.caPin, both[1].state.caPin);
  });

  it("writes admin.identity 0600 for CN admin, O Admin, and renews it with less than a day left", async () => {
    const dataDir = join(tempDir("auth-state-"), "data");
    const path = join(dataDir, "admin.identity");
    const first = await start(dataDir);
    await first.close();
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const parsed = parseIdentityFile(readFileSync(path, "utf8"));
    assert.deepEqual(readTlsIdentity(parsed.tlsCertificate), {
      commonName: "admin",
      organization: ["Admin"],
    });
    const validTo = new Date(parsed.tlsCertificate.validTo).getTime();

    // Six and a half days later less than a day is left: a new one is written.
    const later = await start(dataDir, { now: () => new Date(Date.now() + 6.5 * DAY) });
    await later.close();
    const renewed = parseIdentityFile(readFileSync(path, "utf8"));
    assert.ok(new Date(renewed.tlsCertificate.validTo).getTime() > validTo + 6 * DAY);
    assert.equal(statSync(path).mode & 0o777, 0o600);
  });

  it("replaces a damaged admin.identity", async () => {
    const dataDir = join(tempDir("auth-state-"), "data");
    await (await start(dataDir)).close();
    writeFileSync(join(dataDir, "admin.identity"), "garbage\n");
    const server = await start(dataDir);
    servers.push(server);
    assert.doesNotThrow(() =>
      parseIdentityFile(readFileSync(join(dataDir, "admin.identity"), "utf8")),
    );
  });
});
