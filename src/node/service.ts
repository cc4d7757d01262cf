// The SSH Service as the daemon runs it: join (or reuse the stored identity), heartbeat,
// enhanced recorder or plain session cgroups, then the SSH server.
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { AuthClient, AuthTlsError, splitAddr } from "../auth/index.js";
import { bpfObjectPath, EnhancedRecorder } from "../bpf/index.js";
import { SessionCgroups } from "../cgroup/index.js";
import type { Config, SessionRecordingMode } from "../config/index.js";
import type { Logger } from "../log/index.js";
import type { NodeMetrics } from "../metrics/index.js";
import { VERSION } from "../version.js";
import { uploadDir } from "../recording/index.js";
import { advertisedHost, formatHostPort } from "./advertise.js";
import { eventSpoolDir, RecordingDelivery } from "./delivery.js";
import { errorMessage } from "./errors.js";
import {
  identityDir,
  obtainHostIdentity,
  JoinError,
  type HostIdentity,
  type HostIdentityProvider,
} from "../join/index.js";
import { startSshServer, type NodeSshServer } from "./server.js";

export const HEARTBEAT_INTERVAL_MS = 60_000;
const CLOSE_DELIVERY_WAIT_MS = 5000;

export interface NodeServiceOptions {
  config: Config;
  logger: Logger;
  /** Default: 60 s. */
  heartbeatIntervalMs?: number;
  /**
   * The auth server in this same process (all-in-one): the node takes its first identity from
   * `issueIdentity` instead of joining with a token, then talks to the auth API at `addr` as a
   * joined node does. Without it, the node joins teleport.auth_server.
   */
  localAuth?: { addr: string; issueIdentity: HostIdentityProvider };
  /** The daemon's metrics (served on diag_addr); none without a diag_addr. */
  metrics?: NodeMetrics;
}

export interface NodeService {
  identity: HostIdentity;
  /** The port the SSH server listens on (the configured one, or the kernel's pick for 0). */
  port: number;
  /** Sends one heartbeat now. */
  heartbeat(): Promise<void>;
  /** Finished recordings waiting on disk to be delivered to auth. */
  readonly pendingRecordings: number;
  close(): Promise<void>;
}

/** Where the node reaches the auth API: auth_server, or through the proxy's web port. */
function authAddr(config: Config): string {
  const { auth_server, auth_servers, proxy_server } = config.teleport;
  // The proxy passes connections for the auth server through to it (its TLS router).
  const addr = auth_server ?? auth_servers[0] ?? proxy_server;
  if (addr === undefined) {
    throw new JoinError(
      "ssh_service needs teleport.auth_server or teleport.proxy_server to reach the cluster",
    );
  }
  return addr.addr;
}

export async function startNodeService(options: NodeServiceOptions): Promise<NodeService> {
  const { config, logger } = options;
  const log = logger.child({ component: "node" });
  const { teleport, ssh_service: ssh } = config;
  const addr = ssh.listen_addr.addr;
  const auth = options.localAuth?.addr ?? authAddr(config);
  const advertiseHost = await advertisedHost({
    listenHost: ssh.listen_addr.host,
    advertiseIp: teleport.advertise_ip,
    clusterAddr: splitAddr(auth),
    onFallback: (error) =>
      log.warn(
        `Cannot tell which address of this host the cluster reaches (${error.message}): ` +
          `announcing ${addr}, which the proxy cannot dial. Set teleport.advertise_ip.`,
      ),
  });
  const { identity, joined } = await obtainHostIdentity({
    role: "node",
    dataDir: teleport.data_dir,
    authAddr: auth,
    caPin: teleport.ca_pin,
    token: teleport.auth_token,
    hostname: teleport.nodename,
    addr: formatHostPort(advertiseHost, ssh.listen_addr.port),
    labels: ssh.labels,
    provider: options.localAuth?.issueIdentity,
    logger: log,
  });
  log.info(
    { host_id: identity.hostId, cluster: identity.clusterName },
    !joined
      ? "Using the stored node identity."
      : options.localAuth
        ? "Took a node identity from the auth server in this process."
        : "Joined the cluster.",
  );
  const client = new AuthClient({ addr: auth, identity: identity.tls });

  const rec = ssh.enhanced_recording;
  const instanceId = randomUUID();
  const recorder = rec.enabled
    ? EnhancedRecorder.open(
        {
          objectPath: bpfObjectPath("session"),
          bufferPages: {
            command: rec.command_buffer_size,
            disk: rec.disk_buffer_size,
            network: rec.network_buffer_size,
          },
          cgroupPath: rec.cgroup_path,
          rootPath: rec.root_path,
          instanceId,
        },
        (error) => log.warn({ err: error }, "A kernel record could not be decoded."),
      )
    : undefined;
  // Without BPF the launcher still needs a cgroup: it gives the session a place for cleanup.
  const cgroups = recorder
    ? undefined
    : SessionCgroups.open({ cgroupPath: rec.cgroup_path, rootPath: rec.root_path, instanceId });

  const delivery = new RecordingDelivery({
    client,
    uploadDir: uploadDir(teleport.data_dir),
    spoolDir: eventSpoolDir(teleport.data_dir),
    logger,
  });
  // Before any session records: what a stopped node left behind is completed and delivered.
  await delivery.recover();
  // Read at each scrape of /metrics; unwatched before they close (a closed recorder cannot be read).
  const unwatchRecorder = recorder && options.metrics?.watchRecorder(recorder);
  const unwatchUploads = options.metrics?.watchUploadQueue(delivery);

  /** Everything but the SSH server, in the order it must stop. */
  const release = async (): Promise<void> => {
    unwatchUploads?.();
    unwatchRecorder?.();
    await delivery.close();
    await recorder?.close();
    cgroups?.close();
  };

  // Until the first heartbeat answers (auth may be away at start), sessions are recorded.
  let recordingMode: SessionRecordingMode = "node";
  let server: NodeSshServer;
  try {
    server = await startSshServer({
      host: ssh.listen_addr.host,
      port: ssh.listen_addr.port,
      identity,
      labels: ssh.labels,
      client,
      logger,
      sessionHost: {
        dataDir: teleport.data_dir,
        clusterName: identity.clusterName,
        serverId: identity.hostId,
        serverHostname: teleport.nodename,
        serverAddr: addr,
        recorder,
        cgroups,
        delivery,
        recordingMode: () => recordingMode,
        metrics: options.metrics,
      },
    });
  } catch (error) {
    await release();
    throw error;
  }

  const heartbeat = async (): Promise<void> => {
    const { sessionRecording } = await client.heartbeat({
      name: teleport.nodename,
      addr: formatHostPort(advertiseHost, server.port),
      labels: { ...ssh.labels },
      version: VERSION,
    });
    if (sessionRecording !== recordingMode) {
      log.info(
        { session_recording: sessionRecording },
        sessionRecording === "off"
          ? "Session recording is off in this cluster: sessions are not recorded" +
              (recorder ? " and enhanced recording records nothing; " : "; ") +
              "their audit events are still sent."
          : `Sessions are recorded on this node (session_recording: ${sessionRecording}).`,
      );
      recordingMode = sessionRecording;
    }
  };
  // The first heartbeat also tells whether the stored identity still belongs to this cluster.
  try {
    await heartbeat();
  } catch (error) {
    if (!joined && error instanceof AuthTlsError) {
      await server.close();
      await release();
      throw new JoinError(
        `the auth server at ${auth} is not of the cluster this node joined ` +
          `("${identity.clusterName}"): its certificate is not from the CA stored in ` +
          `${identityDir(teleport.data_dir, "node")}. If the cluster was created anew, stop the node, ` +
          `remove ${identityDir(teleport.data_dir, "node")} and join again with a new token ` +
          "(tctl tokens add --type=node); otherwise fix teleport.auth_server",
      );
    }
    log.warn(`Heartbeat to auth failed (will retry): ${errorMessage(error)}`);
  }
  const beat = (): void => {
    heartbeat().catch((error: unknown) =>
      log.warn(`Heartbeat to auth failed (will retry): ${errorMessage(error)}`),
    );
  };
  const timer = setInterval(beat, options.heartbeatIntervalMs ?? HEARTBEAT_INTERVAL_MS);
  timer.unref();

  return {
    identity,
    port: server.port,
    heartbeat,
    get pendingRecordings() {
      return delivery.size;
    },
    async close() {
      clearInterval(timer);
      await server.close();
      // A short wait for the last recordings; the rest stay on disk for the next start.
      await Promise.race([
        delivery.drained(),
        sleep(CLOSE_DELIVERY_WAIT_MS, undefined, { ref: false }),
      ]);
      await release();
    },
  };
}
