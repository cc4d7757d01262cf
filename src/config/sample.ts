export interface SampleConfigOptions {
  nodename: string;
  clusterName: string;
  dataDir: string;
  cgroupPath: string;
  /** Noted in the header, so a reader knows why cgroup_path is not Teleport's /cgroup2. */
  cgroupPathDetected: boolean;
  publicAddr?: string;
  generatedAt: Date;
}

/**
 * The commented all-in-one teleport.yaml that `teleport configure` writes: auth, proxy and
 * SSH services in one process, enhanced session recording on. It must stay valid input
 * to `teleport start` (a test parses it).
 */
export function renderSampleConfig(o: SampleConfigOptions): string {
  const cgroupComment = o.cgroupPathDetected
    ? "    # cgroup v2 is already mounted here on this host, so it is used as it is.\n"
    : "    # Where the cgroup v2 hierarchy is mounted; mounted here at start when the folder is empty.\n";
  const publicAddr = o.publicAddr
    ? `  # The address users and nodes reach this proxy at.\n  public_addr: ${o.publicAddr}\n`
    : "  # public_addr: teleport.example.com:3080\n";
  return `# teleport.yaml: an all-in-one cluster (Auth Service, Proxy Service and SSH Service in one
# process) with enhanced session recording. Written by \`teleport configure\` on ${o.generatedAt.toISOString()}.
# Start it with: teleport start --config <this file>
version: v3
teleport:
  nodename: ${o.nodename}
  # Cluster state, keys, the audit log and session recordings live here.
  data_dir: ${o.dataDir}
  log:
    output: stderr
    severity: INFO
    format:
      output: text
  # /healthz and /readyz (and, with the SSH service, Prometheus /metrics).
  diag_addr: 127.0.0.1:3000

auth_service:
  enabled: true
  listen_addr: 0.0.0.0:3025
  cluster_name: ${o.clusterName}
  # Sessions are recorded on the node that runs them.
  session_recording: node

proxy_service:
  enabled: true
  # HTTPS: web UI and API (tsh login).
  web_listen_addr: 0.0.0.0:3080
  # SSH proxy to the nodes (tsh ssh, OpenSSH ProxyJump).
  listen_addr: 0.0.0.0:3023
${publicAddr}  # Without https_keypairs the proxy uses a self-signed certificate (tsh login --insecure).
  # https_keypairs:
  #   - key_file: /etc/teleport/privkey.pem
  #     cert_file: /etc/teleport/fullchain.pem

ssh_service:
  enabled: true
  listen_addr: 0.0.0.0:3022
  labels:
    role: all-in-one
  enhanced_recording:
    # Record every command, file open and network connection of each SSH session with BPF.
    enabled: true
    # Ring buffer sizes in pages, rounded up to a power of two.
    command_buffer_size: 8
    disk_buffer_size: 128
    network_buffer_size: 8
${cgroupComment}    cgroup_path: ${o.cgroupPath}
    # The folder inside that hierarchy for this instance's session cgroups.
    root_path: /teleport
`;
}
