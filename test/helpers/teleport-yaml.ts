// teleport.yaml (v3) for the teleport processes and services the tests start: the teleport
// section, then each service, disabled unless its options are given.
import { findCgroup2Mount } from "../../src/cgroup/index.js";

export interface TeleportYamlOptions {
  nodename: string;
  dataDir: string;
  /** host:port of /healthz, /readyz and /metrics. */
  diagAddr?: string;
  /** How this process reaches the cluster when auth is not in it: one of the two. */
  authServer?: string;
  proxyServer?: string;
  token?: string;
  caPin?: string;
  /** More lines under `teleport:` (e.g. `log:`), indented by the caller. */
  teleportLines?: string[];
  auth?: {
    clusterName: string;
    listenAddr: string;
    /** More lines under `auth_service:` (e.g. `authentication:`), indented by the caller. */
    lines?: string[];
  };
  proxy?: { webListenAddr: string; listenAddr: string };
  ssh?: {
    listenAddr?: string;
    labels?: Record<string, string>;
    /** More lines under `ssh_service:`, indented by the caller. */
    lines?: string[];
    enhanced?: {
      enabled: boolean;
      rootPath: string;
      bufferPages?: { command: number; disk: number; network: number };
    };
  };
}

const optional = (line: string, value: string | undefined): string[] =>
  value === undefined ? [] : [`${line}${value}`];

function sshLines(ssh: NonNullable<TeleportYamlOptions["ssh"]>): string[] {
  const labels = Object.entries(ssh.labels ?? {});
  const { enhanced } = ssh;
  return [
    ...optional("  listen_addr: ", ssh.listenAddr),
    ...(labels.length === 0 ? [] : ["  labels:"]),
    ...labels.map(([key, value]) => `    ${key}: ${value}`),
    ...(ssh.lines ?? []),
    ...(enhanced === undefined
      ? []
      : [
          "  enhanced_recording:",
          `    enabled: ${enhanced.enabled}`,
          ...(enhanced.bufferPages === undefined
            ? []
            : [
                `    command_buffer_size: ${enhanced.bufferPages.command}`,
                `    disk_buffer_size: ${enhanced.bufferPages.disk}`,
                `    network_buffer_size: ${enhanced.bufferPages.network}`,
              ]),
          `    cgroup_path: ${findCgroup2Mount() ?? "/sys/fs/cgroup"}`,
          `    root_path: ${enhanced.rootPath}`,
        ]),
  ];
}

function service(name: string, lines: string[] | undefined): string[] {
  return lines === undefined
    ? [`${name}:`, "  enabled: false"]
    : [`${name}:`, "  enabled: true", ...lines];
}

export function teleportYaml(options: TeleportYamlOptions): string {
  const { auth, proxy, ssh } = options;
  return [
    "version: v3",
    "teleport:",
    `  nodename: ${options.nodename}`,
    `  data_dir: ${options.dataDir}`,
    ...optional("  diag_addr: ", options.diagAddr),
    ...optional("  auth_token: ", options.token),
    ...optional("  auth_server: ", options.authServer),
    ...optional("  proxy_server: ", options.proxyServer),
    ...optional("  ca_pin: ", options.caPin),
    ...(options.teleportLines ?? []),
    ...service(
      "auth_service",
      auth && [
        `  cluster_name: ${auth.clusterName}`,
        `  listen_addr: ${auth.listenAddr}`,
        ...(auth.lines ?? []),
      ],
    ),
    ...service(
      "proxy_service",
      proxy && [`  web_listen_addr: ${proxy.webListenAddr}`, `  listen_addr: ${proxy.listenAddr}`],
    ),
    ...service("ssh_service", ssh && sshLines(ssh)),
    "",
  ].join("\n");
}
