import assert from "node:assert/strict";
import { chmodSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { problemsOf } from "../helpers/config.js";
import {
  ConfigError,
  DEFAULTS,
  ENHANCED_RECORDING_DEFAULTS,
  loadConfigFile,
  parseConfig,
  type Config,
} from "../../src/config/index.js";
import { tempDir } from "../helpers/tmp.js";

const GUIDE_CONFIG = fileURLToPath(new URL("../fixtures/config/guide-node.yaml", import.meta.url));

function addr(host: string, port: number): { addr: string; host: string; port: number } {
  return { addr: host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`, host, port };
}

/** The config that `version: v3` alone means. */
function defaultConfig(): Config {
  return {
    version: "v3",
    teleport: {
      nodename: hostname(),
      data_dir: "/var/lib/teleport",
      auth_servers: [],
      ca_pin: [],
      log: { output: "stderr", severity: "INFO", format: { output: "text", extra_fields: [] } },
    },
    auth_service: {
      enabled: true,
      listen_addr: addr("0.0.0.0", 3025),
      session_recording: "node",
      audit_events_uri: ["file:///var/lib/teleport/log"],
      tokens: [],
      authentication: { type: "local", second_factor: "off" },
    },
    proxy_service: {
      enabled: true,
      web_listen_addr: addr("0.0.0.0", 3080),
      listen_addr: addr("0.0.0.0", 3023),
      public_addr: [],
      https_keypairs: [],
    },
    ssh_service: {
      enabled: true,
      listen_addr: addr("0.0.0.0", 3022),
      labels: {},
      enhanced_recording: {
        enabled: false,
        command_buffer_size: 8,
        disk_buffer_size: 128,
        network_buffer_size: 8,
        cgroup_path: "/cgroup2",
        root_path: "/teleport",
      },
    },
  };
}

describe("config defaults", () => {
  it("fills every key of a file that only says version: v3", () => {
    assert.deepEqual(parseConfig("version: v3\n", "teleport.yaml"), defaultConfig());
  });

  it("reads sections with nothing under them as all defaults", () => {
    const text = [
      "version: v3",
      "teleport:",
      "auth_service:",
      "proxy_service: {}",
      "ssh_service:",
      "  labels:",
      "  enhanced_recording:",
      "",
    ].join("\n");
    assert.deepEqual(parseConfig(text, "teleport.yaml"), defaultConfig());
  });

  it('reads empty strings as unset, as Teleport does (teleport configure writes diag_addr: "")', () => {
    const text = [
      "version: v3",
      "teleport:",
      '  nodename: ""',
      '  diag_addr: ""',
      '  ca_pin: ""',
      "ssh_service:",
      "  enhanced_recording:",
      '    cgroup_path: ""',
      "",
    ].join("\n");
    assert.deepEqual(parseConfig(text, "teleport.yaml"), defaultConfig());
  });

  it("exports the defaults it applies", () => {
    const config = parseConfig("version: v3\n", "teleport.yaml");
    assert.deepEqual(config.ssh_service.enhanced_recording, ENHANCED_RECORDING_DEFAULTS);
    assert.equal(config.teleport.data_dir, DEFAULTS.data_dir);
    assert.equal(config.auth_service.listen_addr.addr, DEFAULTS.auth_listen_addr);
    assert.equal(config.proxy_service.web_listen_addr.addr, DEFAULTS.proxy_web_listen_addr);
    assert.equal(config.proxy_service.listen_addr.addr, DEFAULTS.proxy_listen_addr);
    assert.equal(config.ssh_service.listen_addr.addr, DEFAULTS.ssh_listen_addr);
  });

  it("puts the default audit log under data_dir", () => {
    const config = parseConfig("version: v3\nteleport:\n  data_dir: /srv/teleport/\n", "t.yaml");
    assert.deepEqual(config.auth_service.audit_events_uri, ["file:///srv/teleport/log"]);
  });
});

describe("the guide's example config", () => {
  it("parses as written, comments and all", () => {
    const config = loadConfigFile(GUIDE_CONFIG);
    assert.equal(config.version, "v3");
    assert.equal(config.teleport.nodename, "graviton-node");
    assert.equal(config.teleport.auth_token, "abcd123-insecure-do-not-use-this");
    assert.deepEqual(config.teleport.auth_server, addr("127.0.0.1", 3025));
    assert.deepEqual(config.teleport.proxy_server, addr("127.0.0.1", 3080));
    assert.equal(config.teleport.data_dir, "/var/lib/teleport");
    assert.equal(config.proxy_service.enabled, false);
    assert.equal(config.auth_service.enabled, false);
    assert.equal(config.ssh_service.enabled, true);
    assert.deepEqual(config.ssh_service.enhanced_recording, {
      enabled: true,
      command_buffer_size: 8,
      disk_buffer_size: 128,
      network_buffer_size: 8,
      cgroup_path: "/cgroup2",
      root_path: "/teleport",
    });
  });
});

describe("config values", () => {
  it("gives a bare host the default port of its field", () => {
    const text = [
      "version: v3",
      "teleport:",
      "  auth_server: auth.example.com",
      "  proxy_server: proxy.example.com",
      "  diag_addr: 127.0.0.1",
      "  auth_servers: [a.example.com, 'b.example.com:4025']",
      "auth_service:",
      "  listen_addr: 10.0.0.1",
      "proxy_service:",
      "  web_listen_addr: '[::]'",
      "  listen_addr: ':4023'",
      "  public_addr: teleport.example.com",
      "ssh_service:",
      "  listen_addr: '[2001:db8::1]:2222'",
      "",
    ].join("\n");
    const config = parseConfig(text, "teleport.yaml");
    assert.deepEqual(config.teleport.auth_server, addr("auth.example.com", 3025));
    assert.deepEqual(config.teleport.proxy_server, addr("proxy.example.com", 3080));
    assert.deepEqual(config.teleport.diag_addr, addr("127.0.0.1", 3000));
    assert.deepEqual(config.teleport.auth_servers, [
      addr("a.example.com", 3025),
      addr("b.example.com", 4025),
    ]);
    assert.deepEqual(config.auth_service.listen_addr, addr("10.0.0.1", 3025));
    assert.deepEqual(config.proxy_service.web_listen_addr, addr("::", 3080));
    assert.deepEqual(config.proxy_service.listen_addr, addr("0.0.0.0", 4023));
    assert.deepEqual(config.proxy_service.public_addr, [addr("teleport.example.com", 3080)]);
    assert.deepEqual(config.ssh_service.listen_addr, addr("2001:db8::1", 2222));
  });

  it("reads static tokens into roles and token", () => {
    const text = [
      "version: v3",
      "auth_service:",
      "  tokens:",
      '    - "node:abcd"',
      '    - "Node,proxy,node:x:y"',
      "",
    ].join("\n");
    assert.deepEqual(parseConfig(text, "teleport.yaml").auth_service.tokens, [
      { roles: ["node"], token: "abcd" },
      { roles: ["node", "proxy"], token: "x:y" },
    ]);
  });

  it("reads the second factor of local logins, in any case", () => {
    for (const [written, mode] of [
      ["otp", "otp"],
      ["Optional", "optional"],
      ["off", "off"],
      ['""', "off"],
    ] as const) {
      const text = `version: v3\nauth_service:\n  authentication:\n    type: local\n    second_factor: ${written}\n`;
      assert.deepEqual(parseConfig(text, "teleport.yaml").auth_service.authentication, {
        type: "local",
        second_factor: mode,
      });
    }
  });

  it("accepts one value or a list where Teleport does", () => {
    const one = parseConfig(
      [
        "version: v3",
        "auth_service:",
        "  audit_events_uri: file:///var/log/teleport",
        "proxy_service:",
        "  public_addr: a.example.com:443",
        "",
      ].join("\n"),
      "teleport.yaml",
    );
    assert.deepEqual(one.auth_service.audit_events_uri, ["file:///var/log/teleport"]);
    assert.deepEqual(one.proxy_service.public_addr, [addr("a.example.com", 443)]);
    const many = parseConfig(
      [
        "version: v3",
        "auth_service:",
        "  audit_events_uri: ['postgresql://db/teleport', 'stdout://']",
        "",
      ].join("\n"),
      "teleport.yaml",
    );
    assert.deepEqual(many.auth_service.audit_events_uri, ["postgresql://db/teleport", "stdout://"]);
  });

  it("takes yes/no/on/off for flags, as configs from teleport configure write them", () => {
    const text = [
      "version: v3",
      "auth_service:",
      '  enabled: "no"',
      "  session_recording: node-sync",
      "proxy_service:",
      "  enabled: off",
      "ssh_service:",
      "  enabled: YES",
      "  enhanced_recording:",
      "    enabled: on",
      "teleport:",
      "  proxy_server: proxy.example.com:443",
      "",
    ].join("\n");
    const config = parseConfig(text, "teleport.yaml");
    assert.equal(config.auth_service.enabled, false);
    assert.equal(config.proxy_service.enabled, false);
    assert.equal(config.ssh_service.enabled, true);
    assert.equal(config.ssh_service.enhanced_recording.enabled, true);
  });

  it("reads log settings case-insensitively, with Teleport's spellings", () => {
    const text = [
      "version: v3",
      "teleport:",
      "  log:",
      "    output: /var/log/teleport.log",
      "    severity: warning",
      "    format:",
      "      output: JSON",
      "      extra_fields: [level, timestamp, component, caller]",
      "",
    ].join("\n");
    assert.deepEqual(parseConfig(text, "teleport.yaml").teleport.log, {
      output: "/var/log/teleport.log",
      severity: "WARN",
      format: { output: "json", extra_fields: ["level", "timestamp", "component", "caller"] },
    });
  });

  it("keeps labels, https_keypairs and ca_pin", () => {
    const pin = `sha256:${"ab".repeat(32)}`;
    const text = [
      "version: v3",
      "teleport:",
      `  ca_pin: [${pin}]`,
      "proxy_service:",
      "  https_keypairs:",
      "    - key_file: /etc/teleport/privkey.pem",
      "      cert_file: /etc/teleport/fullchain.pem",
      "ssh_service:",
      "  labels:",
      "    env: staging",
      '    teleport.dev/origin: "1"',
      "",
    ].join("\n");
    const config = parseConfig(text, "teleport.yaml");
    assert.deepEqual(config.teleport.ca_pin, [pin]);
    assert.deepEqual(config.proxy_service.https_keypairs, [
      { key_file: "/etc/teleport/privkey.pem", cert_file: "/etc/teleport/fullchain.pem" },
    ]);
    assert.deepEqual(config.ssh_service.labels, { env: "staging", "teleport.dev/origin": "1" });
  });
});

describe("ConfigError", () => {
  it("is an Error naming the source, with one line per problem", () => {
    const text = "version: v3\nssh_service:\n  enabld: true\n  listen_addr: 3022\n";
    let caught: unknown;
    try {
      parseConfig(text, "/etc/teleport.yaml");
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof ConfigError);
    assert.ok(caught instanceof Error);
    assert.equal(caught.name, "ConfigError");
    assert.equal(caught.source, "/etc/teleport.yaml");
    assert.deepEqual(caught.problems, [
      '/etc/teleport.yaml:3:3: ssh_service.enabld: unknown key; did you mean "enabled"?',
      '/etc/teleport.yaml:4:16: ssh_service.listen_addr: expected a host:port address such as "example.com:3022", got 3022',
    ]);
    assert.equal(caught.message, caught.problems.join("\n"));
  });

  it("reports every problem of a file, in file order", () => {
    const text = [
      "version: v3",
      "teleport:",
      "  nodename: graviton-node",
      "  log:",
      "    severity: loud",
      "auth_service:",
      "  session_recording: sometimes",
      "  tokens: ['node']",
      "proxy_servce:",
      "  enabled: false",
      "ssh_service:",
      "  enhanced_recording:",
      "    enabled: true",
      "    disk_buffer_size: -1",
      "    root_path: teleport",
      "",
    ].join("\n");
    assert.deepEqual(problemsOf(text), [
      'teleport.yaml:5:15: teleport.log.severity: expected one of DEBUG, INFO, WARN, ERROR, got "loud"',
      'teleport.yaml:7:22: auth_service.session_recording: expected one of node, node-sync, off, got "sometimes"',
      'teleport.yaml:8:12: auth_service.tokens[0]: expected "ROLE[,ROLE]:TOKEN" such as "node:abcd123", got a string without ":"',
      'teleport.yaml:9:1: proxy_servce: unknown key; did you mean "proxy_service"?',
      "teleport.yaml:14:23: ssh_service.enhanced_recording.disk_buffer_size: expected a positive whole number of pages, got -1",
      'teleport.yaml:15:16: ssh_service.enhanced_recording.root_path: expected a path starting with "/" without ".." segments, got "teleport"',
    ]);
  });

  it("still applies a cross-section rule when unrelated keys have problems", () => {
    const text = [
      "version: v3",
      "auth_service:",
      "  session_recording: off",
      "ssh_service:",
      "  listen_addr: nowhere:0",
      "  enhanced_recording:",
      "    enabled: true",
      "",
    ].join("\n");
    assert.deepEqual(problemsOf(text), [
      'teleport.yaml:5:16: ssh_service.listen_addr: expected a port from 1 to 65535 in "host:port", got "nowhere:0"',
      'teleport.yaml:7:14: ssh_service.enhanced_recording.enabled: enhanced recording needs session recordings, but auth_service.session_recording is "off"; set session_recording to "node" or turn enhanced_recording off',
    ]);
  });

  it("skips a cross-section rule when a key it reads has its own problem", () => {
    const text = [
      "version: v3",
      "auth_service:",
      "  enabled: false",
      "ssh_service:",
      "  enabled: maybe",
      "",
    ].join("\n");
    assert.deepEqual(problemsOf(text), [
      'teleport.yaml:5:12: ssh_service.enabled: expected true or false, got "maybe"',
    ]);
  });
});

describe("loadConfigFile", () => {
  it("says how to create a missing file", () => {
    const path = join(tempDir(), "teleport.yaml");
    assert.throws(
      () => loadConfigFile(path),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(err.problems, [
          `${path}: the config file does not exist; create it with \`teleport configure -o ${path}\``,
        ]);
        return true;
      },
    );
  });

  it("says when the path is a folder", () => {
    const dir = tempDir();
    assert.throws(() => loadConfigFile(dir), {
      name: "ConfigError",
      message: `${dir}: cannot read the config file: it is a directory`,
    });
  });

  it(
    "says when the file cannot be read",
    { skip: process.getuid?.() === 0 && "root reads any file" },
    () => {
      const path = join(tempDir(), "teleport.yaml");
      writeFileSync(path, "version: v3\n");
      chmodSync(path, 0o000);
      assert.throws(() => loadConfigFile(path), {
        name: "ConfigError",
        message: `${path}: cannot read the config file: permission denied (run teleport as a user that can read it, e.g. root)`,
      });
    },
  );

  it("names the file in problems with its content", () => {
    const path = join(tempDir(), "teleport.yaml");
    writeFileSync(path, "version: v2\n");
    assert.throws(() => loadConfigFile(path), {
      name: "ConfigError",
      message: `${path}:1:10: version: only "v3" is supported, got "v2"; migrate by setting "version: v3"`,
    });
  });
});
