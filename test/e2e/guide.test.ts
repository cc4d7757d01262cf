// ../shared/reference/enhanced-session-recording-guide.txt, step by step, with real processes:
// an auth + proxy process; `tctl nodes add` / `tctl tokens ls|rm`; a node in a network namespace
// of its own configured as the guide's teleport.yaml (token and proxy_server), and a third with
// auth_server; `tsh login`, `tsh ls`, `tsh ssh` running the guide's obfuscated command (pointed
// at a local listener); then the audit log and the files of the guide's `tree` listing.
import assert from "node:assert/strict";
import { existsSync, lstatSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, it } from "node:test";
import { findCgroup2Mount } from "../../src/cgroup/index.js";
import { runAsUser, runCliProcess, type CliResult } from "../helpers/cli.js";
import { startTeleport, stopDaemons, type DaemonProcess } from "../helpers/daemon.js";
import { freePort } from "../helpers/net.js";
import { createNetNamespace, type NetNamespace } from "../helpers/netns.js";
import { recordingHostSkip, testCgroupRoot } from "../helpers/recording-host.js";
import { addNodeToken, addUserInvite, adminClient } from "../helpers/tctl.js";
import { teleportYaml } from "../helpers/teleport-yaml.js";
import { tempDir } from "../helpers/tmp.js";
import { waitUntil } from "../helpers/wait.js";

const CLUSTER = "guide.test";
const NODE_A = "graviton-node";
const NODE_B = "auth-server-node";
const PASSWORD = "guide-password-0123";
const skip = recordingHostSkip("BPF, cgroups, network namespaces");

type AuditEvent = Record<string, unknown>;

/** The guide's `tail -f /var/lib/teleport/log/events.log`: whole lines only. */
function eventsLog(dataDir: string): AuditEvent[] {
  const path = join(dataDir, "log", "events.log");
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8")
    .split("\n")
    .slice(0, -1)
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as AuditEvent);
}

/** The guide's node teleport.yaml, with this test's token, addresses and directories. */
function nodeYaml(options: {
  nodename: string;
  token: string;
  server: { key: "auth_server" | "proxy_server"; addr: string };
  dataDir: string;
  rootPath: string;
}): string {
  return [
    "version: v3",
    "teleport:",
    `  nodename: ${options.nodename}`,
    `  auth_token: ${options.token}`,
    `  ${options.server.key}: ${options.server.addr}`,
    `  data_dir: ${options.dataDir}`,
    "proxy_service:",
    "  enabled: false",
    "auth_service:",
    "  enabled: false",
    "ssh_service:",
    "  enabled: true",
    "  enhanced_recording:",
    "    enabled: true",
    "    command_buffer_size: 8",
    "    disk_buffer_size: 128",
    "    network_buffer_size: 8",
    `    cgroup_path: ${findCgroup2Mount() ?? "/sys/fs/cgroup"}`,
    `    root_path: ${options.rootPath}`,
    "",
  ].join("\n");
}

describe("the enhanced session recording guide, end to end", { skip }, () => {
  it("follows the guide from tctl nodes add to the audit log", async (t) => {
    const dir = tempDir("guide-");
    const home = join(dir, "home");
    const daemons: DaemonProcess[] = [];
    const namespaces: NetNamespace[] = [];
    const cgroupRoots = { a: testCgroupRoot(), b: testCgroupRoot() };
    const listener = createServer((_req, res) => res.end("weather: sunny\n"));
    t.after(async () => {
      await stopDaemons(daemons);
      for (const ns of namespaces) ns.remove();
      listener.close();
      cgroupRoots.a.remove();
      cgroupRoots.b.remove();
    });

    // The user's tools, with the user's home (~/.tsh).
    const asUser = (program: "tsh" | "tctl", args: string[], input = ""): Promise<CliResult> =>
      runAsUser(home, program, args, input);
    const tsh = (args: string[], input = ""): Promise<CliResult> => asUser("tsh", args, input);

    // The cluster: auth and proxy in one process, on every address (the nodes dial it over
    // their veth links).
    const authDataDir = join(dir, "auth-data");
    const authPort = await freePort();
    const webPort = await freePort();
    const authConfig = join(dir, "auth.yaml");
    writeFileSync(
      authConfig,
      teleportYaml({
        nodename: "guide-auth",
        dataDir: authDataDir,
        auth: { clusterName: CLUSTER, listenAddr: `0.0.0.0:${authPort}` },
        proxy: {
          webListenAddr: `0.0.0.0:${webPort}`,
          listenAddr: `0.0.0.0:${await freePort()}`,
        },
      }),
    );
    const auth = startTeleport(["start", "-c", authConfig]);
    daemons.push(auth);
    await auth.waitFor("Teleport is ready.");
    const tctl = (...args: string[]): Promise<CliResult> =>
      runCliProcess("tctl", ["-c", authConfig, ...args]);

    // "Generate a token": tctl nodes add, tokens ls, tokens rm.
    const token = await addNodeToken(authConfig);
    const revoked = await addNodeToken(authConfig);
    const listed = await tctl("tokens", "ls");
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${token}\\s+Node\\s`));
    assert.match(listed.stdout, new RegExp(revoked));
    const removed = await tctl("tokens", "rm", revoked);
    assert.equal(removed.code, 0, removed.stderr);
    assert.doesNotMatch((await tctl("tokens", "ls")).stdout, new RegExp(revoked));

    // "Create a configuration file" and start the nodes, each in a namespace of its own with
    // the guide's default listen address 0.0.0.0:3022.
    const listen = async (): Promise<number> => {
      await new Promise<void>((resolve) => listener.listen(0, "0.0.0.0", resolve));
      return (listener.address() as AddressInfo).port;
    };
    const curlPort = await listen();
    const startNode = async (
      nodename: string,
      server: { key: "auth_server" | "proxy_server"; port: number },
      rootPath: string,
    ): Promise<{ ns: NetNamespace; dataDir: string }> => {
      const ns = createNetNamespace();
      namespaces.push(ns);
      const dataDir = join(dir, `${nodename}-data`);
      const config = join(dir, `${nodename}.yaml`);
      writeFileSync(
        config,
        nodeYaml({
          nodename,
          token,
          server: { key: server.key, addr: `${ns.hostIp}:${server.port}` },
          dataDir,
          rootPath,
        }),
      );
      const node = startTeleport(["start", "-c", config], ns.exec);
      daemons.push(node);
      await node.waitFor("Teleport is ready.");
      return { ns, dataDir };
    };
    const nodeA = await startNode(
      NODE_A,
      { key: "proxy_server", port: webPort },
      cgroupRoots.a.rootPath,
    );
    await startNode(NODE_B, { key: "auth_server", port: authPort }, cgroupRoots.b.rootPath);

    // A user, who sets a password through the invite and logs in with tsh.
    const invite = await addUserInvite(authConfig, "alice", {
      roles: ["access", "auditor"],
      logins: ["root"],
    });
    const admin = await adminClient(`127.0.0.1:${authPort}`, authDataDir);
    await admin.completeInvite(invite, PASSWORD);
    const login = await tsh(
      ["login", `--proxy=127.0.0.1:${webPort}`, "--user=alice", "--insecure"],
      `${PASSWORD}\n`,
    );
    assert.equal(login.code, 0, login.stderr);
    assert.match(login.stdout, /alice/);

    // The guide's prerequisite: with the tsh login, tctl works with the user's credentials (no
    // auth server config on this "workstation").
    const status = await asUser("tctl", ["-c", join(dir, "workstation.yaml"), "status"]);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, new RegExp(`Cluster\\s+${CLUSTER}`));
    assert.match(status.stdout, /CA pin\s+sha256:[0-9a-f]{64}/);

    const ls = await tsh(["ls"]);
    assert.equal(ls.code, 0, ls.stderr);
    assert.match(ls.stdout, new RegExp(NODE_A));
    assert.match(ls.stdout, new RegExp(NODE_B));

    // The guide's obfuscated command, decoding to a curl of the listener on the node's link.
    const url = `http://${nodeA.ns.hostIp}:${curlPort}/`;
    const encoded = Buffer.from(`curl -s ${url}\n`).toString("base64");
    const ran = await tsh(["ssh", `root@${NODE_A}`, `echo ${encoded} | base64 --decode | sh`]);
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stdout, "weather: sunny\n");

    // "Inspect the audit log": events.log on the auth host.
    const curl = await waitUntil(
      "session.command for curl in events.log",
      () =>
        eventsLog(authDataDir).find(
          (e) => e["event"] === "session.command" && e["program"] === "curl",
        ),
      30_000,
    );
    const sid = String(curl["sid"]);
    assert.deepEqual(curl["argv"], ["-s", url]);
    assert.equal(curl["return_code"], 0);
    assert.equal(curl["code"], "T4000I");
    assert.equal(curl["login"], "root");
    assert.equal(curl["user"], "alice");
    assert.equal(curl["server_hostname"], NODE_A);
    assert.equal(curl["cluster_name"], CLUSTER);
    const network = await waitUntil(
      "session.network to the listener in events.log",
      () =>
        eventsLog(authDataDir).find(
          (e) => e["event"] === "session.network" && e["sid"] === sid && e["dst_port"] === curlPort,
        ),
      30_000,
    );
    assert.equal(network["dst_addr"], nodeA.ns.hostIp);
    assert.equal(network["src_addr"], nodeA.ns.nsIp);
    assert.equal(network["code"], "T4002I");
    assert.equal(network["version"], 4);
    assert.equal(network["program"], "curl");
    const end = await waitUntil(
      "session.end of the session in events.log",
      () => eventsLog(authDataDir).find((e) => e["event"] === "session.end" && e["sid"] === sid),
      30_000,
    );
    assert.equal(end["enhanced_recording"], true);
    assert.deepEqual(end["participants"], ["alice"]);

    // The guide's `tree /var/lib/teleport/log`.
    const log = join(authDataDir, "log");
    assert.ok(lstatSync(join(log, "events.log")).isSymbolicLink(), "events.log is a symlink");
    const serverId = readFileSync(join(authDataDir, "host_uuid"), "utf8").trim();
    const sessions = join(log, serverId, "sessions", "default");
    await waitUntil(
      "the session's files on the auth server",
      () => (existsSync(join(sessions, `${sid}.index`)) ? true : undefined),
      30_000,
    );
    for (const name of [
      `${sid}-0.chunks.gz`,
      `${sid}-0.events.gz`,
      `${sid}-0.session.command-events.gz`,
      `${sid}-0.session.network-events.gz`,
    ]) {
      assert.ok(existsSync(join(sessions, name)), `${sessions}/${name}`);
    }
    for (const folder of ["playbacks", "upload"]) {
      assert.ok(existsSync(join(log, folder, "sessions", "default")), `${log}/${folder}`);
    }

    // The third node (auth_server) serves sessions too; tsh play replays the first.
    const onB = await tsh(["ssh", `root@${NODE_B}`, "echo from-b"]);
    assert.equal(onB.code, 0, onB.stderr);
    assert.equal(onB.stdout, "from-b\n");
    const played = await tsh(["play", sid, "--format", "asciicast"]);
    assert.equal(played.code, 0, played.stderr);
    const [header, ...frames] = played.stdout.trim().split("\n");
    assert.equal((JSON.parse(header ?? "{}") as { version?: number }).version, 2);
    const output = frames.map((line) => String((JSON.parse(line) as unknown[])[2])).join("");
    assert.match(output, /weather: sunny/, "the replay has curl's output");
  });
});
