// Which services a config starts: the proxy runs next to auth or on its own with an auth server
// to join; a node reaches the cluster through auth_server or proxy_server.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseConfig } from "../../src/config/index.js";
import { planServices } from "../../src/daemon/plan.js";
import { createLogger } from "../../src/log/index.js";

const logger = createLogger({ output: "stderr", severity: "ERROR", format: "text" });

function plan(lines: string[]) {
  const config = parseConfig(
    ["version: v3", "teleport:", "  nodename: n", ...lines, ""].join("\n"),
    "t.yaml",
  );
  const planned = planServices(config, logger);
  return { names: planned.services.map((s) => s.name), missing: planned.missing };
}

describe("planServices", () => {
  it("runs the proxy after the auth server in its process", () => {
    const { names, missing } = plan(["ssh_service:", "  enabled: false"]);
    assert.deepEqual(names, ["auth", "proxy"]);
    assert.deepEqual(missing, []);
  });

  it("runs a proxy of its own when it has an auth server to join", () => {
    const { names, missing } = plan([
      "  auth_server: 10.0.0.1:3025",
      "auth_service:",
      "  enabled: false",
      "ssh_service:",
      "  enabled: false",
    ]);
    assert.deepEqual(names, ["proxy"]);
    assert.deepEqual(missing, []);
  });

  it("names a proxy with no auth server to join as missing, and how to give it one", () => {
    const { names, missing } = plan([
      "auth_service:",
      "  enabled: false",
      "ssh_service:",
      "  enabled: false",
    ]);
    assert.deepEqual(names, []);
    assert.deepEqual(
      missing.map((m) => m.name),
      ["proxy_service"],
    );
    assert.match(missing[0]?.reason ?? "", /teleport\.auth_server.*--type=proxy/);
  });

  it("plans a node that reaches the cluster through proxy_server", () => {
    const { names, missing } = plan([
      "  proxy_server: proxy.example.com:3080",
      "  auth_token: abc",
      "auth_service:",
      "  enabled: false",
      "proxy_service:",
      "  enabled: false",
    ]);
    assert.deepEqual(names, ["ssh"]);
    assert.deepEqual(missing, []);
  });
});
