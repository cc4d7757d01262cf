// auth_service.audit_sessions_uri: a file:// URI puts published recordings under that folder
// (same layout as under <data_dir>/log), and auth serves them from there. What is not built yet
// (other schemes, several audit_events_uri) stops auth with a message instead of being ignored.
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { authServerOptions, AuthStartError } from "../../src/auth/index.js";
import { auditLogDir } from "../../src/auth/server/server.js";
import { parseConfig } from "../../src/config/index.js";
import { createLogger } from "../../src/log/index.js";
import { sessionsDir, sessionsDirUnder } from "../../src/recording/index.js";
import { tempDir } from "../helpers/tmp.js";
import { startNodeFixture, type NodeFixture, type UserFiles } from "./node-fixture.js";

const skip = process.getuid?.() !== 0 ? "needs root (BPF, cgroups, setuid)" : false;

describe("audit_sessions_uri file://", { skip }, () => {
  const recordings = join(tempDir("sessions-uri-"), "recordings");
  let f: NodeFixture;
  let alice: UserFiles;

  before(async () => {
    f = await startNodeFixture({ auth: { auditSessionsUri: `file://${recordings}` } });
    alice = await f.addUser("alice", { roles: ["access"], logins: ["root"] });
  });

  after(async () => {
    await f?.close();
  });

  it("publishes recordings in that folder and plays them from there", async () => {
    const result = await f.ssh(alice, "root", "echo recorded elsewhere");
    assert.equal(result.status, 0, result.stderr);
    const [sid] = await f.recordings(1);
    assert.ok(sid);
    const serverId = f.auth.server.state.serverId;
    const published = readdirSync(sessionsDirUnder(recordings, serverId));
    assert.ok(published.includes(`${sid}.index`), published.join(", "));
    assert.ok(published.includes(`${sid}-0.chunks.gz`), published.join(", "));
    const defaultDir = sessionsDir(f.auth.server.state.dataDir, serverId);
    const leftInDefault = existsSync(defaultDir) ? readdirSync(defaultDir) : [];
    assert.deepEqual(leftInDefault, [], "nothing under <data_dir>/log");
    const entry = await f.auth.admin.getRecording(sid);
    assert.equal(entry.sid, sid);
  });
});

describe("audit URIs that are not built yet", () => {
  const logger = createLogger({ output: "stderr", severity: "ERROR", format: "json" });

  it("refuses a recordings URI other than file://, naming the setting", () => {
    assert.throws(
      () => auditLogDir("s3://bucket/prefix", "/var/lib/teleport", "audit_sessions_uri"),
      (error: unknown) =>
        error instanceof AuthStartError &&
        error.message ===
          'auth_service.audit_sessions_uri "s3://bucket/prefix": only file:// URIs are supported ' +
            "so far; use file://<data_dir>/log (the default) or another local folder",
    );
    assert.equal(auditLogDir("file:///srv/recordings", "/var/lib/teleport"), "/srv/recordings");
  });

  it("refuses several audit_events_uri instead of writing to the first only", () => {
    const config = parseConfig(
      [
        "version: v3",
        "auth_service:",
        "  audit_events_uri: ['file:///var/lib/teleport/log', 'file:///srv/audit']",
        "",
      ].join("\n"),
      "teleport.yaml",
    );
    assert.throws(
      () => authServerOptions(config, logger),
      /audit_events_uri lists 2 URIs: writing the audit log to several places is not supported yet/,
    );
  });
});
