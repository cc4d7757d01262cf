// A Proxy Service in a process of its own: `teleport start` with proxy_service only joins the
// cluster with a proxy token (tctl tokens add --type=proxy), keeps its identity, and serves
// tsh login and tsh ssh to a node that joined through it.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { AuthClient, loadIdentityFile } from "../../src/auth/index.js";
import { findCgroup2Mount } from "../../src/cgroup/index.js";
import { loadHostIdentity } from "../../src/join/index.js";
import { runAsUser, runTctl } from "../helpers/cli.js";
import { startTeleport, type DaemonProcess } from "../helpers/daemon.js";
import { freePort } from "../helpers/net.js";
import { tempDir } from "../helpers/tmp.js";

const cgroupMount = findCgroup2Mount();
const skip =
  process.getuid?.() !== 0
    ? "needs root (BPF, cgroups, setuid)"
    : cgroupMount === undefined
      ? "no cgroup2 mount"
      : false;
const PASSWORD = "proxy-of-its-own-0123";

describe("teleport start with a Proxy Service of its own", { skip }, () => {
  it("joins with a proxy token, reuses its identity, and serves tsh", async (t) => {
    const dir = tempDir("teleport-proxy-");
    const home = join(dir, "home");
    const rootPath = `/teleport-test-${randomUUID().slice(0, 8)}`;
    const daemons: DaemonProcess[] = [];
    t.after(async () => {
      for (const daemon of daemons.reverse()) {
        if (daemon.child.exitCode === null && daemon.child.signalCode === null) {
          daemon.child.kill("SIGTERM");
          await daemon.exited;
        }
      }
      const root = join(cgroupMount ?? "/sys/fs/cgroup", rootPath);
      if (existsSync(root)) rmdirSync(root);
    });
    const start = async (name: string, lines: string[]): Promise<DaemonProcess> => {
      const path = join(dir, `${name}.yaml`);
      writeFileSync(path, ["version: v3", ...lines, ""].join("\n"));
      const daemon = startTeleport(["start", "-c", path]);
      daemons.push(daemon);
      await daemon.waitFor("Teleport is ready.");
      return daemon;
    };

    const authPort = await freePort();
    const authDataDir = join(dir, "auth-data");
    const authConfig = join(dir, "auth.yaml");
    await start("auth", [
      "teleport:",
      "  nodename: auth-only",
      `  data_dir: ${authDataDir}`,
      "auth_service:",
      "  enabled: true",
      "  cluster_name: split.test",
      `  listen_addr: 127.0.0.1:${authPort}`,
      "proxy_service:",
      "  enabled: false",
      "ssh_service:",
      "  enabled: false",
    ]);
    const proxyToken = randomUUID().replaceAll("-", "");
    const added = await runTctl(
      authConfig,
      "tokens",
      "add",
      "--type=proxy",
      `--value=${proxyToken}`,
    );
    assert.equal(added.code, 0, added.stderr);

    const webPort = await freePort();
    const sshProxyPort = await freePort();
    const proxyDataDir = join(dir, "proxy-data");
    const proxyLines = (token: string[]): string[] => [
      "teleport:",
      "  nodename: proxy-only",
      `  data_dir: ${proxyDataDir}`,
      `  auth_server: 127.0.0.1:${authPort}`,
      ...token,
      "auth_service:",
      "  enabled: false",
      "ssh_service:",
      "  enabled: false",
      "proxy_service:",
      "  enabled: true",
      `  web_listen_addr: 127.0.0.1:${webPort}`,
      `  listen_addr: 127.0.0.1:${sshProxyPort}`,
    ];
    let proxy = await start("proxy", proxyLines([`  auth_token: ${proxyToken}`]));
    assert.match(proxy.stderr(), /Joined the cluster as a proxy\./);
    assert.doesNotMatch(proxy.stderr(), /Not started/);
    const proxyHostId = loadHostIdentity(proxyDataDir, "proxy")?.hostId;
    assert.ok(proxyHostId, "the proxy keeps its identity under data_dir/proxy");

    // The token is needed once: removed, and the proxy restarted without it.
    assert.equal((await runTctl(authConfig, "tokens", "rm", proxyToken)).code, 0);
    proxy.child.kill("SIGTERM");
    assert.equal(await proxy.exited, 0);
    proxy = await start("proxy", proxyLines([]));
    assert.match(proxy.stderr(), /Using the stored proxy identity\./);
    assert.equal(loadHostIdentity(proxyDataDir, "proxy")?.hostId, proxyHostId);

    // A node that joins through this proxy, as the guide's config does.
    const nodeToken = /The invite token: (\S+)/.exec(
      (await runTctl(authConfig, "nodes", "add", "--ttl=5m", "--roles=node")).stdout,
    )?.[1];
    assert.ok(nodeToken);
    await start("node", [
      "teleport:",
      "  nodename: split-node",
      `  data_dir: ${join(dir, "node-data")}`,
      `  auth_token: ${nodeToken}`,
      `  proxy_server: 127.0.0.1:${webPort}`,
      "auth_service:",
      "  enabled: false",
      "proxy_service:",
      "  enabled: false",
      "ssh_service:",
      "  enabled: true",
      `  listen_addr: 127.0.0.1:${await freePort()}`,
      "  enhanced_recording:",
      "    enabled: true",
      `    cgroup_path: ${cgroupMount ?? "/sys/fs/cgroup"}`,
      `    root_path: ${rootPath}`,
    ]);

    const user = await runTctl(
      authConfig,
      "users",
      "add",
      "bob",
      "--roles=access",
      "--logins=root",
    );
    const invite = /\/web\/invite\/(\S+)/.exec(user.stdout)?.[1];
    assert.ok(invite, user.stdout);
    const admin = new AuthClient({
      addr: `127.0.0.1:${authPort}`,
      identity: await loadIdentityFile(join(authDataDir, "admin.identity")),
    });
    await admin.completeInvite(invite, PASSWORD);
    const login = await runAsUser(
      home,
      "tsh",
      ["login", `--proxy=127.0.0.1:${webPort}`, "--user=bob", "--insecure"],
      `${PASSWORD}\n`,
    );
    assert.equal(login.code, 0, login.stderr);
    const ran = await runAsUser(home, "tsh", ["ssh", "root@split-node", "echo through; exit 4"]);
    assert.equal(ran.stdout, "through\n", ran.stderr);
    assert.equal(ran.code, 4);
  });
});
