import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { problemsOf } from "../helpers/config.js";

interface Case {
  readonly name: string;
  readonly yaml: readonly string[];
  readonly problems: readonly string[];
}

const RECORDING = ["version: v3", "ssh_service:", "  enhanced_recording:"];
const REC = "teleport.yaml:4:23: ssh_service.enhanced_recording.disk_buffer_size";

const CASES: readonly Case[] = [
  // version and file shape
  {
    name: "missing version",
    yaml: ["teleport:", "  nodename: graviton-node"],
    problems: [
      'teleport.yaml: version: missing; add "version: v3" at the top of the file (only v3 configs are supported)',
    ],
  },
  {
    name: "version v2",
    yaml: ["version: v2"],
    problems: [
      'teleport.yaml:1:10: version: only "v3" is supported, got "v2"; migrate by setting "version: v3"',
    ],
  },
  {
    name: "version v1",
    yaml: ["version: v1"],
    problems: [
      'teleport.yaml:1:10: version: only "v3" is supported, got "v1"; migrate by setting "version: v3"',
    ],
  },
  {
    name: "version as a number",
    yaml: ["version: 3"],
    problems: ['teleport.yaml:1:10: version: expected "v3", got 3'],
  },
  {
    name: "version with nothing after it",
    yaml: ["version:", "teleport: {}"],
    problems: ['teleport.yaml:1:1: version: expected "v3", got nothing'],
  },
  {
    name: "empty file",
    yaml: [],
    problems: [
      'teleport.yaml: the file has no settings; expected a mapping that starts with "version: v3"',
    ],
  },
  {
    name: "comments only",
    yaml: ["# version: v3"],
    problems: [
      'teleport.yaml: the file has no settings; expected a mapping that starts with "version: v3"',
    ],
  },
  {
    name: "top level is a list",
    yaml: ["- version: v3"],
    problems: ["teleport.yaml:1:1: expected a mapping of settings, got a list"],
  },
  {
    name: "section is a list",
    yaml: ["version: v3", "ssh_service: [enabled]"],
    problems: ["teleport.yaml:2:14: ssh_service: expected a mapping, got a list"],
  },

  // buffer sizes
  {
    name: "buffer size as a word",
    yaml: [...RECORDING, "    disk_buffer_size: abc"],
    problems: [`${REC}: expected a positive whole number of pages, got "abc"`],
  },
  {
    name: "buffer size zero",
    yaml: [...RECORDING, "    command_buffer_size: 0"],
    problems: [
      "teleport.yaml:4:26: ssh_service.enhanced_recording.command_buffer_size: expected a positive whole number of pages, got 0",
    ],
  },
  {
    name: "buffer size negative",
    yaml: [...RECORDING, "    network_buffer_size: -8"],
    problems: [
      "teleport.yaml:4:26: ssh_service.enhanced_recording.network_buffer_size: expected a positive whole number of pages, got -8",
    ],
  },
  {
    name: "buffer size fractional",
    yaml: [...RECORDING, "    disk_buffer_size: 1.5"],
    problems: [`${REC}: expected a positive whole number of pages, got 1.5`],
  },
  {
    name: "buffer size too large",
    yaml: [...RECORDING, "    disk_buffer_size: 2000000"],
    problems: [`${REC}: expected at most 1048576 pages, got 2000000`],
  },
  {
    name: "buffer size quoted",
    yaml: [...RECORDING, '    disk_buffer_size: "128"'],
    problems: [`${REC}: expected a positive whole number of pages, got "128"`],
  },
  {
    name: "buffer size with nothing after it",
    yaml: [...RECORDING, "    disk_buffer_size:"],
    problems: [
      "teleport.yaml:4:5: ssh_service.enhanced_recording.disk_buffer_size: expected a positive whole number of pages, got nothing",
    ],
  },

  // unknown keys
  {
    name: "misspelt nested key",
    yaml: ["version: v3", "ssh_service:", "  enhanced_recoding:", "    enabled: true"],
    problems: [
      'teleport.yaml:3:3: ssh_service.enhanced_recoding: unknown key; did you mean "enhanced_recording"?',
    ],
  },
  {
    name: "misspelt top-level key",
    yaml: ["version: v3", "ssh_servce:", "  enabled: true"],
    problems: ['teleport.yaml:2:1: ssh_servce: unknown key; did you mean "ssh_service"?'],
  },
  {
    name: "key in the wrong case",
    yaml: ["version: v3", "auth_service:", "  Enabled: true"],
    problems: ['teleport.yaml:3:3: auth_service.Enabled: unknown key; did you mean "enabled"?'],
  },
  {
    name: "unknown key with no close match",
    yaml: [...RECORDING, "    buffer: 8"],
    problems: [
      "teleport.yaml:4:5: ssh_service.enhanced_recording.buffer: unknown key; expected one of: enabled, command_buffer_size, disk_buffer_size, network_buffer_size, cgroup_path, root_path",
    ],
  },
  {
    name: "key of a section written at the top level",
    yaml: ["version: v3", "nodename: graviton-node"],
    problems: [
      'teleport.yaml:2:1: nodename: unknown key here; it belongs under "teleport" (check the indentation)',
    ],
  },
  {
    name: "key of other sections",
    yaml: ["version: v3", "teleport:", "  listen_addr: 0.0.0.0:3022"],
    problems: [
      'teleport.yaml:3:3: teleport.listen_addr: unknown key here; it belongs under "auth_service", "proxy_service" or "ssh_service" (check the indentation)',
    ],
  },
  {
    name: "unknown key in a list item",
    yaml: [
      "version: v3",
      "proxy_service:",
      "  https_keypairs:",
      "    - key_file: /etc/teleport/privkey.pem",
      "      cert_file: /etc/teleport/fullchain.pem",
      "      cert: /etc/teleport/fullchain.pem",
    ],
    problems: [
      'teleport.yaml:6:7: proxy_service.https_keypairs[0].cert: unknown key; did you mean "cert_file"?',
    ],
  },

  // YAML syntax
  {
    name: "unclosed quote",
    yaml: ["version: v3", "teleport:", '  nodename: "graviton', "auth_service: {}"],
    problems: ['teleport.yaml:5:1: YAML syntax error: Missing closing "quote'],
  },
  {
    name: "tab indentation",
    yaml: ["version: v3", "teleport:", "\tnodename: graviton-node"],
    problems: ["teleport.yaml:3:1: YAML syntax error: Tabs are not allowed as indentation"],
  },
  {
    name: "duplicate key",
    yaml: ["version: v3", "ssh_service:", "  enabled: true", "  enabled: false"],
    problems: ['teleport.yaml:4:3: duplicate key "enabled"'],
  },
  {
    name: "two documents",
    yaml: ["version: v3", "---", "version: v3"],
    problems: [
      'teleport.yaml:2:1: YAML syntax error: expected one document, found a second one after "---"',
    ],
  },
  {
    name: "alias to a missing anchor",
    yaml: ["version: v3", "teleport: *defaults"],
    problems: [
      "teleport.yaml: YAML error: Unresolved alias (the anchor must be set before the alias): defaults",
    ],
  },

  // addresses
  {
    name: "port out of range",
    yaml: ["version: v3", "teleport:", "  auth_server: auth.example.com:99999"],
    problems: [
      'teleport.yaml:3:16: teleport.auth_server: expected a port from 1 to 65535 in "host:port", got "auth.example.com:99999"',
    ],
  },
  {
    name: "port by name",
    yaml: ["version: v3", "teleport:", "  proxy_server: proxy.example.com:https"],
    problems: [
      'teleport.yaml:3:17: teleport.proxy_server: expected a port from 1 to 65535 in "host:port", got "proxy.example.com:https"',
    ],
  },
  {
    name: "address with a scheme",
    yaml: ["version: v3", "teleport:", "  proxy_server: https://proxy.example.com:3080"],
    problems: [
      'teleport.yaml:3:17: teleport.proxy_server: expected a host:port address without "https://", got "https://proxy.example.com:3080"',
    ],
  },
  {
    name: "IPv6 address without brackets",
    yaml: ["version: v3", "ssh_service:", '  listen_addr: "::1:3022"'],
    problems: [
      'teleport.yaml:3:16: ssh_service.listen_addr: expected a host:port address, with IPv6 hosts in brackets such as "[::1]:3022", got "::1:3022"',
    ],
  },
  {
    name: "address as a number",
    yaml: ["version: v3", "auth_service:", "  listen_addr: 3025"],
    problems: [
      'teleport.yaml:3:16: auth_service.listen_addr: expected a host:port address such as "example.com:3025", got 3025',
    ],
  },
  {
    name: "host with a space",
    yaml: ["version: v3", "teleport:", '  auth_server: "auth server:3025"'],
    problems: [
      'teleport.yaml:3:16: teleport.auth_server: expected a host:port address such as "example.com:3025", got "auth server:3025"',
    ],
  },
  {
    name: "bad address in a list",
    yaml: [
      "version: v3",
      "proxy_service:",
      "  public_addr: ['a.example.com:443', 'b.example.com:0']",
    ],
    problems: [
      'teleport.yaml:3:38: proxy_service.public_addr[1]: expected a port from 1 to 65535 in "host:port", got "b.example.com:0"',
    ],
  },

  // paths
  {
    name: "relative cgroup_path",
    yaml: [...RECORDING, "    cgroup_path: sys/fs/cgroup"],
    problems: [
      'teleport.yaml:4:18: ssh_service.enhanced_recording.cgroup_path: expected an absolute path, got "sys/fs/cgroup"',
    ],
  },
  {
    name: "root_path climbing out with ..",
    yaml: [...RECORDING, "    root_path: /teleport/../../etc"],
    problems: [
      'teleport.yaml:4:16: ssh_service.enhanced_recording.root_path: expected a path starting with "/" without ".." segments, got "/teleport/../../etc"',
    ],
  },
  {
    name: "log file with a relative path",
    yaml: ["version: v3", "teleport:", "  log:", "    output: teleport.log"],
    problems: [
      'teleport.yaml:4:13: teleport.log.output: expected "stderr", "stdout" or an absolute file path, got "teleport.log"',
    ],
  },

  // words from a fixed set
  {
    name: "unknown session_recording mode",
    yaml: ["version: v3", "auth_service:", "  session_recording: none"],
    problems: [
      'teleport.yaml:3:22: auth_service.session_recording: expected one of node, node-sync, off, got "none"',
    ],
  },
  {
    name: "session_recording at the proxy",
    yaml: ["version: v3", "auth_service:", "  session_recording: proxy-sync"],
    problems: [
      'teleport.yaml:3:22: auth_service.session_recording: "proxy-sync" (recording at the proxy) is not supported: the proxy passes SSH through to the nodes, which record the sessions; use node, node-sync or off',
    ],
  },
  {
    name: "session_recording as a boolean",
    yaml: ["version: v3", "auth_service:", "  session_recording: false"],
    problems: [
      "teleport.yaml:3:22: auth_service.session_recording: expected one of node, node-sync, off, got false",
    ],
  },
  {
    name: "second_factor on (WebAuthn)",
    yaml: ["version: v3", "auth_service:", "  authentication:", "    second_factor: on"],
    problems: [
      'teleport.yaml:4:20: auth_service.authentication.second_factor: "on" needs WebAuthn (hardware keys), which is not supported here: only off, otp and optional are (otp: every user enters a code from an authenticator app)',
    ],
  },
  {
    name: "second_factor webauthn",
    yaml: ["version: v3", "auth_service:", "  authentication:", "    second_factor: webauthn"],
    problems: [
      'teleport.yaml:4:20: auth_service.authentication.second_factor: "webauthn" needs WebAuthn (hardware keys), which is not supported here: only off, otp and optional are (otp: every user enters a code from an authenticator app)',
    ],
  },
  {
    name: "unknown second_factor",
    yaml: ["version: v3", "auth_service:", "  authentication:", "    second_factor: totp"],
    problems: [
      'teleport.yaml:4:20: auth_service.authentication.second_factor: expected one of off, otp, optional, got "totp"',
    ],
  },
  {
    name: "authentication type other than local",
    yaml: ["version: v3", "auth_service:", "  authentication:", "    type: github"],
    problems: [
      'teleport.yaml:4:11: auth_service.authentication.type: expected one of local, got "github"',
    ],
  },
  {
    name: "unknown key under authentication",
    yaml: ["version: v3", "auth_service:", "  authentication:", "    second_factr: otp"],
    problems: [
      'teleport.yaml:4:5: auth_service.authentication.second_factr: unknown key; did you mean "second_factor"?',
    ],
  },
  {
    name: "unknown severity",
    yaml: ["version: v3", "teleport:", "  log:", "    severity: verbose"],
    problems: [
      'teleport.yaml:4:15: teleport.log.severity: expected one of DEBUG, INFO, WARN, ERROR, got "verbose"',
    ],
  },
  {
    name: "log format as a word",
    yaml: ["version: v3", "teleport:", "  log:", "    format: json"],
    problems: [
      'teleport.yaml:4:13: teleport.log.format: expected a mapping such as {output: json}, got "json"',
    ],
  },
  {
    name: "unknown log extra field",
    yaml: ["version: v3", "teleport:", "  log:", "    format:", "      extra_fields: [level, pid]"],
    problems: [
      'teleport.yaml:5:29: teleport.log.format.extra_fields[1]: expected one of level, component, caller, timestamp, got "pid"',
    ],
  },
  {
    name: "flag that is not yes or no",
    yaml: ["version: v3", "proxy_service:", "  enabled: maybe"],
    problems: ['teleport.yaml:3:12: proxy_service.enabled: expected true or false, got "maybe"'],
  },

  // tokens (never echoed: they are secrets)
  {
    name: "token without roles",
    yaml: ["version: v3", "auth_service:", "  tokens:", "    - abcd123"],
    problems: [
      'teleport.yaml:4:7: auth_service.tokens[0]: expected "ROLE[,ROLE]:TOKEN" such as "node:abcd123", got a string without ":"',
    ],
  },
  {
    name: "token with a misspelt role",
    yaml: ["version: v3", "auth_service:", "  tokens:", '    - "nodes:abcd123"'],
    problems: [
      'teleport.yaml:4:7: auth_service.tokens[0]: unknown role "nodes"; did you mean "node"?',
    ],
  },
  {
    name: "token with an unknown role",
    yaml: ["version: v3", "auth_service:", "  tokens:", '    - "admin:abcd123"'],
    problems: [
      'teleport.yaml:4:7: auth_service.tokens[0]: unknown role "admin"; expected roles from: auth, node, proxy, kube, app, db, windowsdesktop, discovery, trusted_cluster',
    ],
  },
  {
    name: "token with nothing after the colon",
    yaml: ["version: v3", "auth_service:", "  tokens:", '    - "node:"'],
    problems: [
      'teleport.yaml:4:7: auth_service.tokens[0]: expected "ROLE[,ROLE]:TOKEN" such as "node:abcd123", got nothing after ":"',
    ],
  },
  {
    name: "tokens as one string",
    yaml: ["version: v3", "auth_service:", '  tokens: "node:abcd123"'],
    problems: [
      'teleport.yaml:3:11: auth_service.tokens: expected a list of "ROLE[,ROLE]:TOKEN" strings, got a string',
    ],
  },
  {
    name: "auth_token as a number",
    yaml: ["version: v3", "teleport:", "  auth_token: 123456"],
    problems: [
      "teleport.yaml:3:15: teleport.auth_token: expected a join token or a path to a file holding it, got a number; put it in quotes",
    ],
  },

  // other values
  {
    name: "label value as a number",
    yaml: ["version: v3", "ssh_service:", "  labels:", "    tier: 1"],
    problems: [
      "teleport.yaml:4:11: ssh_service.labels.tier: expected a string, got 1; put it in quotes",
    ],
  },
  {
    name: "label name with a space",
    yaml: ["version: v3", "ssh_service:", "  labels:", '    "team name": storage'],
    problems: [
      'teleport.yaml:4:18: ssh_service.labels["team name"]: invalid label name "team name"; use letters, digits and / . _ : * -',
    ],
  },
  {
    name: "key pair without cert_file",
    yaml: [
      "version: v3",
      "proxy_service:",
      "  https_keypairs:",
      "    - key_file: /etc/teleport/privkey.pem",
    ],
    problems: [
      "teleport.yaml:4:7: proxy_service.https_keypairs[0].cert_file: missing; expected a path to a PEM certificate file",
    ],
  },
  {
    name: "audit log as a bare path",
    yaml: ["version: v3", "auth_service:", "  audit_events_uri: /var/lib/teleport/log"],
    problems: [
      'teleport.yaml:3:21: auth_service.audit_events_uri: expected a URI such as "file:///var/lib/teleport/log", got "/var/lib/teleport/log"',
    ],
  },
  {
    name: "malformed CA pin",
    yaml: ["version: v3", "teleport:", "  ca_pin: abc"],
    problems: [
      'teleport.yaml:3:11: teleport.ca_pin: expected "sha256:" followed by 64 hex digits, got "abc"',
    ],
  },
  {
    name: "nodename as a number",
    yaml: ["version: v3", "teleport:", "  nodename: 42"],
    problems: [
      "teleport.yaml:3:13: teleport.nodename: expected a node name, got 42; put it in quotes",
    ],
  },

  // rules across sections
  {
    name: "enhanced recording with session recording off",
    yaml: [
      "version: v3",
      "auth_service:",
      "  session_recording: off",
      "ssh_service:",
      "  enhanced_recording:",
      "    enabled: true",
    ],
    problems: [
      'teleport.yaml:6:14: ssh_service.enhanced_recording.enabled: enhanced recording needs session recordings, but auth_service.session_recording is "off"; set session_recording to "node" or turn enhanced_recording off',
    ],
  },
  {
    name: "node without a cluster to join",
    yaml: [
      "version: v3",
      "teleport:",
      "  auth_token: abcd123",
      "auth_service:",
      "  enabled: false",
    ],
    problems: [
      "teleport.yaml:2:1: teleport: set auth_server or proxy_server to the address of the cluster to join; ssh_service is enabled and auth_service is disabled",
    ],
  },
  {
    name: "node without a cluster and without a teleport section",
    yaml: ["version: v3", "auth_service:", "  enabled: false"],
    problems: [
      "teleport.yaml: teleport: set auth_server or proxy_server to the address of the cluster to join; ssh_service is enabled and auth_service is disabled",
    ],
  },
];

describe("malformed configs", () => {
  for (const { name, yaml, problems } of CASES) {
    it(name, () => {
      const text = yaml.length === 0 ? "" : `${yaml.join("\n")}\n`;
      assert.deepEqual(problemsOf(text), problems);
    });
  }
});

describe("the guide's example pasted without its indentation", () => {
  it("points at the lost indentation", () => {
    // What copying the block from a web page that drops leading spaces gives.
    const fixture = new URL("../fixtures/config/guide-node.yaml", import.meta.url);
    const flat = readFileSync(fileURLToPath(fixture), "utf8").replace(/^ +/gm, "");
    const hint = "; the file has no indentation: indent the keys of each section under it";
    assert.deepEqual(problemsOf(flat), [
      `teleport.yaml:15:1: duplicate key "enabled"${hint}`,
      `teleport.yaml:17:1: duplicate key "enabled"${hint}`,
      `teleport.yaml:20:1: duplicate key "enabled"${hint}`,
    ]);
  });
});
