// `teleport start` with the all-in-one config (auth_service + ssh_service, no auth_server): the
// node takes its identity from the auth server in the same process, and the real OpenSSH client
// runs commands on it with a certificate from `tctl auth sign`; the audit log gets the
// session's events, enhanced recording included.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import ssh2 from "ssh2";
import {
  formatOpensshPrivateKey,
  parseIdentityFile,
  type ParsedIdentityFile,
} from "../../src/auth/index.js";
import { parseKnownHostsCaLine } from "../../src/auth/ca/index.js";
import { loadHostIdentity } from "../../src/join/index.js";
import { hostCertificateVerifier, userCertificateAuth } from "../../src/ssh/index.js";
import { runCliProcess, runTctl } from "../helpers/cli.js";
import { startTeleport, stopDaemons, type DaemonProcess } from "../helpers/daemon.js";
import { freePort } from "../helpers/net.js";
import { runOpenSsh } from "../helpers/openssh.js";
import { recordingHostSkip, testCgroupRoot } from "../helpers/recording-host.js";
import { teleportYaml } from "../helpers/teleport-yaml.js";
import { tempDir } from "../helpers/tmp.js";
import { waitUntil } from "../helpers/wait.js";

const NODENAME = "aio-node";
const CLUSTER = "aio.test";
const cgroupRoot = testCgroupRoot();
const skip = recordingHostSkip();

type AuditEvent = Record<string, unknown>;

/** Every event of the file audit log (<data_dir>/log/<server id>/*.log). */
function auditEvents(dataDir: string): AuditEvent[] {
  const logDir = join(dataDir, "log");
  if (!existsSync(logDir)) return [];
  const events: AuditEvent[] = [];
  for (const entry of readdirSync(logDir)) {
    const serverDir = join(logDir, entry);
    if (!statSync(serverDir).isDirectory()) continue;
    for (const file of readdirSync(serverDir).filter((f) => f.endsWith(".log"))) {
      const lines = readFileSync(join(serverDir, file), "utf8").split("\n");
      // The last piece is a line the daemon is still writing (or ""): only whole lines count.
      for (const line of lines.slice(0, -1)) {
        if (line.trim() !== "") events.push(JSON.parse(line) as AuditEvent);
      }
    }
  }
  return events;
}

/**
 * Logs in with ssh2, opens a shell in an 80x24 pty, resizes the window to 120x40, then exits.
 * Resolves with the shell's exit code.
 */
function shellWithResize(port: number, hostname: string, id: ParsedIdentityFile): Promise<number> {
  const client = new ssh2.Client();
  return new Promise((resolve, reject) => {
    const fail = (error: Error): void => {
      client.end();
      reject(error);
    };
    client.on("error", fail);
    client.on("ready", () => {
      client.shell({ rows: 24, cols: 80, term: "xterm" }, (error, channel) => {
        if (error) return fail(error);
        let code = -1;
        let output = "";
        channel.on("exit", (c: number) => (code = c));
        channel.on("close", () => {
          client.end();
          resolve(code);
        });
        channel.on("data", (d: Buffer) => {
          output += d.toString();
          // Resized once the shell answered, then told to leave.
          if (output.includes("ready-1") && !output.includes("ready-2")) {
            channel.setWindow(40, 120, 0, 0);
            channel.write("echo ready-$((1+1)); exit 7\n");
          }
        });
        channel.write("echo ready-$((0+1))\n");
      });
    });
    client.connect({
      host: "127.0.0.1",
      port,
      readyTimeout: 10_000,
      ...userCertificateAuth({
        username: "root",
        privateKey: id.privateKey,
        certificate: id.sshCertificate,
      }),
      ...hostCertificateVerifier({
        hostCaKeys: id.sshCaLines.map((line) => parseKnownHostsCaLine(line).caPublicKey),
        hostname,
      }),
    });
  });
}

// One test with steps: startTeleport kills its process in an after() hook, which must belong to
// the test that runs the daemon (one registered in a before() hook runs when that hook ends).
describe("teleport start, all-in-one (auth + ssh in one process)", { skip }, () => {
  it("serves OpenSSH logins from a node that took its identity in-process", async (t) => {
    let daemon: DaemonProcess | undefined;

    const start = async (): Promise<DaemonProcess> => {
      const started = startTeleport(["start", "-c", configPath]);
      await started.waitFor("Teleport is ready.");
      return started;
    };

    // Before the daemon starts: a SIGTERM stop runs ahead of the helper's SIGKILL.
    t.after(async () => {
      if (daemon) await stopDaemons([daemon]);
      cgroupRoot.remove();
    });

    const dir = tempDir("teleport-aio-");
    const dataDir = join(dir, "data");
    const sshPort = await freePort();
    const authPort = await freePort();
    const diagPort = await freePort();
    const configPath = join(dir, "teleport.yaml");
    writeFileSync(
      configPath,
      teleportYaml({
        nodename: NODENAME,
        dataDir,
        diagAddr: `127.0.0.1:${diagPort}`,
        // The wildcard: the node must dial it on loopback.
        auth: { clusterName: CLUSTER, listenAddr: `0.0.0.0:${authPort}` },
        ssh: {
          listenAddr: `127.0.0.1:${sshPort}`,
          labels: { env: "aio" },
          enhanced: { enabled: true, rootPath: cgroupRoot.rootPath },
        },
      }),
    );
    daemon = await start();

    const added = await runTctl(
      configPath,
      "users",
      "add",
      "alice",
      "--roles=access",
      "--logins=root",
    );
    assert.equal(added.code, 0, added.stderr);
    const identityPath = join(dir, "alice.identity");
    const signed = await runTctl(
      configPath,
      "auth",
      "sign",
      "--user=alice",
      "--ttl=1h",
      `--out=${identityPath}`,
    );
    assert.equal(signed.code, 0, signed.stderr);
    const identity = parseIdentityFile(readFileSync(identityPath, "utf8"));
    const keyFile = join(dir, "key");
    writeFileSync(keyFile, formatOpensshPrivateKey(identity.privateKey), { mode: 0o600 });
    const certFile = join(dir, "key-cert.pub");
    writeFileSync(certFile, `${identity.sshCertificate}\n`);
    const knownHosts = join(dir, "known_hosts");
    writeFileSync(knownHosts, `${identity.sshCaLines.join("\n")}\n`);

    // The host CA line names the cluster and *.<cluster>; the host certificate has
    // <nodename>.<cluster> among its principals.
    const sshArgs = (command: string | undefined, extra: string[] = []): string[] => [
      ...extra,
      "-o",
      `UserKnownHostsFile=${knownHosts}`,
      "-o",
      "GlobalKnownHostsFile=/dev/null",
      "-o",
      "StrictHostKeyChecking=yes",
      "-o",
      `HostKeyAlias=${NODENAME}.${CLUSTER}`,
      "-o",
      "IdentitiesOnly=yes",
      "-i",
      keyFile,
      "-o",
      `CertificateFile=${certFile}`,
      "-p",
      String(sshPort),
      "root@127.0.0.1",
      ...(command === undefined ? [] : [command]),
    ];

    await t.test(
      "starts the node without a join token, its identity stored under data_dir/node",
      async () => {
        assert.ok(daemon);
        assert.match(
          daemon.stderr(),
          /Took a node identity from the auth server in this process\./,
        );
        assert.match(daemon.stderr(), /SSH service is listening\./);
        assert.doesNotMatch(daemon.stderr(), /Not started/);
        const identity = loadHostIdentity(dataDir, "node");
        assert.ok(identity);
        assert.equal(identity.clusterName, CLUSTER);
        const nodes = await runTctl(configPath, "nodes", "ls");
        assert.equal(nodes.code, 0, nodes.stderr);
        assert.match(nodes.stdout, new RegExp(NODENAME));
        assert.match(nodes.stdout, /env=aio/);
      },
    );

    await t.test("runs /bin/echo for alice over OpenSSH and audits the command", async () => {
      const result = await runOpenSsh(sshArgs("/bin/echo hi"));
      assert.equal(result.stdout, "hi\n", result.stderr);
      assert.equal(result.status, 0, result.stderr);
      const echo = await waitUntil(
        "session.command for /bin/echo in the audit log",
        () =>
          auditEvents(dataDir).find(
            (e) => e["event"] === "session.command" && e["path"] === "/bin/echo",
          ),
        15_000,
      );
      assert.deepEqual(echo["argv"], ["hi"]);
      assert.equal(echo["user"], "alice");
    });

    await t.test(
      "runs an interactive shell (ssh -tt) with the exit code and records it",
      async () => {
        const result = await runOpenSsh(sshArgs(undefined, ["-tt"]), "echo one\nexit 5\n");
        assert.equal(result.status, 5, result.stderr);
        assert.match(result.stdout, /one\r\n/);
        const end = await waitUntil(
          "session.end of the interactive session",
          () => auditEvents(dataDir).find((e) => e["event"] === "session.end" && e["interactive"]),
          15_000,
        );
        assert.equal(end["interactive"], true);
        assert.deepEqual(end["participants"], ["alice"]);
        // The recording uploaded to auth has the terminal output as print events.
        const played = await runCliProcess("tsh", [
          "play",
          "--data-dir",
          dataDir,
          "--format",
          "json",
          String(end["sid"]),
        ]);
        assert.equal(played.code, 0, played.stderr);
        const events = played.stdout
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as AuditEvent);
        const prints = events.filter((e) => e["event"] === "print");
        assert.ok(prints.length > 0, played.stdout.slice(0, 500));
        assert.equal(events.at(-1)?.["event"], "session.end");
      },
    );

    await t.test("records a window change (ssh2 setWindow) as a resize event", async () => {
      const code = await shellWithResize(sshPort, `${NODENAME}.${CLUSTER}`, identity);
      assert.equal(code, 7);
      const resize = await waitUntil(
        "a resize event to 120:40 in the audit log",
        () => auditEvents(dataDir).find((e) => e["event"] === "resize" && e["size"] === "120:40"),
        15_000,
      );
      const start = auditEvents(dataDir).find(
        (e) => e["event"] === "session.start" && e["sid"] === resize["sid"],
      );
      assert.equal(start?.["size"], "80:24");
    });

    await t.test(
      "reuses the stored identity after a restart, and stops with exit code 0",
      async () => {
        const hostId = loadHostIdentity(dataDir, "node")?.hostId;
        assert.ok(daemon);
        daemon.child.kill("SIGTERM");
        assert.equal(await daemon.exited, 0);
        daemon = await start();
        assert.match(daemon.stderr(), /Using the stored node identity\./);
        assert.equal(loadHostIdentity(dataDir, "node")?.hostId, hostId);
        const result = await runOpenSsh(sshArgs("/bin/echo again"));
        assert.equal(result.stdout, "again\n", result.stderr);

        daemon.child.kill("SIGTERM");
        assert.equal(await daemon.exited, 0);
        assert.match(daemon.stderr(), /Teleport has stopped\./);
        // Every session cgroup is gone; only the (empty) root the test named may remain.
        const left = existsSync(cgroupRoot.path)
          ? readdirSync(cgroupRoot.path, { withFileTypes: true }).filter((e) => e.isDirectory())
          : [];
        assert.deepEqual(
          left.map((e) => e.name),
          [],
        );
      },
    );
  });
});
