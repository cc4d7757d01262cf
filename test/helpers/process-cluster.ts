// A cluster of real `teleport start` processes, for tests that share it across a describe: auth
// and proxy in one process, and a node with enhanced recording in another that joined with a
// `tctl nodes add` token through the proxy. The processes are ours by pid and stopped in
// close(): startTeleport's after() would kill them as soon as the before() hook that started
// them ends (Node 20 runs an after() registered inside a hook right after that hook).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { AuthClient } from "../../src/auth/index.js";
import { findCgroup2Mount } from "../../src/cgroup/index.js";
import type { SecondFactor } from "../../src/config/index.js";
import { nodeConfigYaml } from "../integration/node-fixture.js";
import { spawnTeleport } from "./daemon.js";
import { freePort } from "./net.js";
import { testCgroupRoot } from "./recording-host.js";
import { addNodeToken, addUserInvite, adminClient } from "./tctl.js";
import { teleportYaml } from "./teleport-yaml.js";
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
  /** `tctl users add`: the token of the invite link it printed (`/web/invite/TOKEN`). */
  addUserInvite(name: string, options: { roles: string[]; logins: string[] }): Promise<string>;
  /** `tctl users add`, then the invite completed with `password` (no second factor). */
  addPasswordUser(
    name: string,
    options: { roles: string[]; logins: string[]; password: string },
  ): Promise<void>;
  close(): Promise<void>;
}

export interface ProcessClusterOptions {
  /** auth_service.authentication.second_factor; the config's default (off) when not given. */
  secondFactor?: SecondFactor;
}

export async function startProcessCluster(
  options: ProcessClusterOptions = {},
): Promise<ProcessCluster> {
  if (findCgroup2Mount() === undefined) {
    throw new Error("no cgroup2 mount: enhanced recording needs one");
  }
  const dir = tempDir("process-cluster-");
  const clusterName = "web-ui.test";
  const nodeName = "node-1";
  const cgroupRoot = testCgroupRoot();
  const daemons: OwnedDaemon[] = [];
  const close = async (): Promise<void> => {
    // The node first: its sessions end and it leaves its cgroups before auth goes.
    for (const daemon of [...daemons].reverse()) await daemon.stop();
    cgroupRoot.remove();
  };

  try {
    const authAddr = `127.0.0.1:${await freePort()}`;
    const webPort = await freePort();
    const authDataDir = join(dir, "auth-data");
    const authConfig = join(dir, "auth.yaml");
    writeFileSync(
      authConfig,
      teleportYaml({
        nodename: "auth-proxy",
        dataDir: authDataDir,
        auth: {
          clusterName,
          listenAddr: authAddr,
          lines:
            options.secondFactor === undefined
              ? []
              : [
                  "  authentication:",
                  "    type: local",
                  `    second_factor: ${options.secondFactor}`,
                ],
        },
        proxy: {
          webListenAddr: `127.0.0.1:${webPort}`,
          listenAddr: `127.0.0.1:${await freePort()}`,
        },
      }),
    );
    daemons.push(await startOwnedTeleport(authConfig));
    const admin = await adminClient(authAddr, authDataDir);

    const token = await addNodeToken(authConfig);
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
        rootPath: cgroupRoot.rootPath,
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
      addUserInvite(name, user) {
        return addUserInvite(authConfig, name, user);
      },
      async addPasswordUser(name, user) {
        const invite = await addUserInvite(authConfig, name, user);
        await admin.completeInvite(invite, user.password);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
