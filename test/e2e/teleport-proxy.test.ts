// A Proxy Service in a process of its own: `teleport start` with proxy_service only joins the
// cluster with a proxy token (tctl tokens add --type=proxy), keeps its identity, and serves
// tsh login and tsh ssh to a node that joined through it.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadHostIdentity } from "../../src/join/index.js";
import { runAsUser, runTctl } from "../helpers/cli.js";
import { startTeleport, stopDaemons, type DaemonProcess } from "../helpers/daemon.js";
import { freePort } from "../helpers/net.js";
import { recordingHostSkip, testCgroupRoot } from "../helpers/recording-host.js";
import { addNodeToken, addUserInvite, adminClient } from "../helpers/tctl.js";
import { teleportYaml } from "../helpers/teleport-yaml.js";
import { tempDir } from "../helpers/tmp.js";
import { nodeConfigYaml } from "../integration/node-fixture.js";

const skip = recordingHostSkip();
const PASSWORD = "proxy-of-its-own-0123";

describe("teleport start with a Proxy Service of its own", { skip }, () => {
  it("joins with a proxy token, reuses its identity, and serves tsh", async (t) => {
    const dir = tempDir("teleport-proxy-");
    const home = join(dir, "home");
    const cgroupRoot = testCgroupRoot();
    const daemons: DaemonProcess[] = [];
    t.after(async () => {
      await stopDaemons(daemons);
      cgroupRoot.remove();
    });
    const start = async (name: string, yaml: string): Promise<DaemonProcess> => {
      const path = join(dir, `${name}.yaml`);
      writeFileSync(path, yaml);
      const daemon = startTeleport(["start", "-c", path]);
      daemons.push(daemon);
      await daemon.waitFor("Teleport is ready.");
      return daemon;
    };

    const authAddr = `127.0.0.1:${await freePort()}`;
    const authDataDir = join(dir, "auth-data");
    const authConfig = join(dir, "auth.yaml");
    await start(
      "auth",
      teleportYaml({
        nodename: "auth-only",
        dataDir: authDataDir,
        auth: { clusterName: "split.test", listenAddr: authAddr },
      }),
    );
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
    const proxyYaml = (token: string | undefined): string =>
      teleportYaml({
        nodename: "proxy-only",
        dataDir: proxyDataDir,
        authServer: authAddr,
        token,
        proxy: {
          webListenAddr: `127.0.0.1:${webPort}`,
          listenAddr: `127.0.0.1:${sshProxyPort}`,
        },
      });
    let proxy = await start("proxy", proxyYaml(proxyToken));
    assert.match(proxy.stderr(), /Joined the cluster as a proxy\./);
    assert.doesNotMatch(proxy.stderr(), /Not started/);
    const proxyHostId = loadHostIdentity(proxyDataDir, "proxy")?.hostId;
    assert.ok(proxyHostId, "the proxy keeps its identity under data_dir/proxy");

    // The token is needed once: removed, and the proxy restarted without it.
    assert.equal((await runTctl(authConfig, "tokens", "rm", proxyToken)).code, 0);
    proxy.child.kill("SIGTERM");
    assert.equal(await proxy.exited, 0);
    proxy = await start("proxy", proxyYaml(undefined));
    assert.match(proxy.stderr(), /Using the stored proxy identity\./);
    assert.equal(loadHostIdentity(proxyDataDir, "proxy")?.hostId, proxyHostId);

    // A node that joins through this proxy, as the guide's config does.
    await start(
      "node",
      nodeConfigYaml({
        nodename: "split-node",
        dataDir: join(dir, "node-data"),
        token: await addNodeToken(authConfig),
        proxyServer: `127.0.0.1:${webPort}`,
        port: await freePort(),
        rootPath: cgroupRoot.rootPath,
        enhanced: true,
        labels: {},
        sshServiceLines: [],
      }),
    );

    const invite = await addUserInvite(authConfig, "bob", { roles: ["access"], logins: ["root"] });
    const admin = await adminClient(authAddr, authDataDir);
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
