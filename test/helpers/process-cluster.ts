// A cluster of real `teleport start` processes, for tests that share it across a describe: auth
// and proxy in one process, and a node with enhanced recording in another that joined with a
// `tctl nodes add` token through the proxy. The processes are ours by pid and stopped in
// close(): startTeleport's after() would kill them as soon as the before() hook that started
// them ends (Node 20 runs an after() registered inside a hook right after that hook).
import { randomUUID } from "node:crypto";
import { existsSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { AuthClient, loadIdentityFile } from "../../src/auth/index.js";
import { findCgroup2Mount } from "../../src/cgroup/index.js";
import { nodeConfigYaml } from "../integration/node-fixture.js";
import { runTctl } from "./cli.js";
import { spawnTeleport } from "./daemon.js";
import { freePort } from "./net.js";
import { tempDir } from "./tmp.js";

/** How long a daemon may take to say it is ready, or to exit after SIGTERM. */
const DAEMON_TIMEOUT_MS = 60_000;

interface OwnedDaemon {
  pid: number;
  /** SIGTERM, then SIGKILL if it has not exited within DAEMON_TIMEOUT_MS. */
  stop(): Promise<void>;
}

/** `teleport start -c CONFIG`, resolved once it says it is ready; killed if this process exits. */
async function startOwnedTeleport(config: string): Promise<OwnedDaemon> {
  const daemon = spawnTeleport(["start", "-c", config]);
  const { child } = daemon;
  const pid = child.pid;
  if (pid === undefined) throw new Error(`cannot start teleport with ${config}`);
  const kill = (signal: NodeJS.Signals): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  // Even when the test process dies mid-test, the daemon does not outlive it.
  const onExit = (): void => kill("SIGKILL");
  process.on("exit", onExit);
  const stop = async (): Promise<void> => {
    kill("SIGTERM");
    const timer = setTimeout(() => kill("SIGKILL"), DAEMON_TIMEOUT_MS);
    await daemon.exited;
    clearTimeout(timer);
    process.off("exit", onExit);
  };
  child.stdout?.resume();
  try {
    await daemon.waitFor("Teleport is ready.", DAEMON_TIMEOUT_MS);
  } catch (error) {
    await stop();
    throw error;
  }
  return { pid, stop };
}

export interface ProcessCluster {
  clusterName: string;
  /** The proxy's HTTPS port (self-signed certificate). */
  webPort: number;
  /** An AuthClient with the admin identity auth wrote for tctl. */
  admin: AuthClient;
  nodeName: string;
  /** The node's SSH port on 127.0.0.1. */
  nodePort: number;
  /** `tctl users add`, then the invite completed with `password`. */
  addPasswordUser(
    name: string,
    options: { roles: string[]; logins: string[]; password: string },
  ): Promise<void>;
  close(): Promise<void>;
}

export async function startProcessCluster(): Promise<ProcessCluster> {
  const cgroupMount = findCgroup2Mount();
  if (cgroupMount === undefined) throw new Error("no cgroup2 mount: enhanced recording needs one");
  const dir = tempDir("process-cluster-");
  const clusterName = "web-ui.test";
  const nodeName = "node-1";
  const rootPath = `/teleport-test-${randomUUID().slice(0, 8)}`;
  const daemons: OwnedDaemon[] = [];
  const close = async (): Promise<void> => {
    // The node first: its sessions end and it leaves its cgroups before auth goes.
    for (const daemon of [...daemons].reverse()) await daemon.stop();
    const root = join(cgroupMount, rootPath);
    if (existsSync(root)) rmdirSync(root);
  };

  try {
    const authPort = await freePort();
    const webPort = await freePort();
    const authDataDir = join(dir, "auth-data");
    const authConfig = join(dir, "auth.yaml");
    writeFileSync(
      authConfig,
      [
        "version: v3",
        "teleport:",
        "  nodename: auth-proxy",
        `  data_dir: ${authDataDir}`,
        "auth_service:",
        "  enabled: true",
        `  cluster_name: ${clusterName}`,
        `  listen_addr: 127.0.0.1:${authPort}`,
        "proxy_service:",
        "  enabled: true",
        `  web_listen_addr: 127.0.0.1:${webPort}`,
        `  listen_addr: 127.0.0.1:${await freePort()}`,
        "ssh_service:",
        "  enabled: false",
        "",
      ].join("\n"),
    );
    daemons.push(await startOwnedTeleport(authConfig));
    const admin = new AuthClient({
      addr: `127.0.0.1:${authPort}`,
      identity: await loadIdentityFile(join(authDataDir, "admin.identity")),
    });

    const added = await runTctl(authConfig, "nodes", "add", "--ttl=5m", "--roles=node");
    const token = /The invite token: (\S+)/.exec(added.stdout)?.[1];
    if (added.code !== 0 || token === undefined) {
      throw new Error(`tctl nodes add failed (${added.code}): ${added.stderr}${added.stdout}`);
    }
    const nodePort = await freePort();
    const nodeConfig = join(dir, "node.yaml");
    writeFileSync(
      nodeConfig,
      nodeConfigYaml({
        nodename: nodeName,
        dataDir: join(dir, "node-data"),
        proxyServer: `127.0.0.1:${webPort}`,
        token,
        port: nodePort,
        rootPath,
        enhanced: true,
        labels: { env: "test" },
        sshServiceLines: [],
      }),
    );
    daemons.push(await startOwnedTeleport(nodeConfig));

    return {
      clusterName,
      webPort,
      admin,
      nodeName,
      nodePort,
      async addPasswordUser(name, user) {
        const args = [`--roles=${user.roles.join(",")}`, `--logins=${user.logins.join(",")}`];
        const result = await runTctl(authConfig, "users", "add", name, ...args);
        const invite = /\/web\/invite\/(\S+)/.exec(result.stdout)?.[1];
        if (result.code !== 0 || invite === undefined) {
          throw new Error(`tctl users add ${name} failed (${result.code}): ${result.stderr}`);
        }
        await admin.completeInvite(invite, user.password);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
