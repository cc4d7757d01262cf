// ssh2 (patched by patches/ssh2+1.17.0.patch) with OpenSSH certificates, against the real
// OpenSSH client and sshd in both directions: our ssh2 server presents a host certificate and
// checks user certificates; our ssh2 client offers a user certificate and checks host
// certificates. Every process is started here and killed by pid.
import assert from "node:assert/strict";
import { sign } from "node:crypto";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import ssh2 from "ssh2";
import type { AuthContext, Connection, EncryptedPrivateKey } from "ssh2";
import {
  formatKnownHostsCaLine,
  generateSshKeyPair,
  signSshCertificate,
  type SignedSshCertificate,
  type SshCertType,
  type SshKeyPair,
} from "../../src/auth/ca/index.js";
import {
  checkUserCertificate,
  hostCertificateVerifier,
  hostKeyWithCertificate,
  userCertificateAuth,
  type HostCertificateRejection,
  type UserCertificateDecision,
} from "../../src/ssh/index.js";
import { freePort } from "../helpers/net.js";
import { runOpenSsh } from "../helpers/openssh.js";
import { connectSsh2, type SshClient } from "../helpers/ssh2.js";
import { tempDir } from "../helpers/tmp.js";

const { Server } = ssh2;

const SSHD = "/usr/sbin/sshd";
const hasSsh = spawnSync("ssh", ["-V"]).error === undefined;
const skipSsh = hasSsh
  ? false
  : "the OpenSSH client is not installed (apt-get install openssh-client)";
const skipSshd = !existsSync(SSHD)
  ? `${SSHD} is not installed (apt-get install openssh-server)`
  : process.getuid?.() !== 0
    ? "sshd needs root here (privilege separation)"
    : false;

const CLUSTER = "example.test";
const NODE_NAME = `node1.${CLUSTER}`;
const HOUR = 3600_000;

const hostCa = generateSshKeyPair("host-ca");
const userCa = generateSshKeyPair("user-ca");
const foreignCa = generateSshKeyPair("foreign-ca");
const hostKey = generateSshKeyPair("host");
const userKey = generateSshKeyPair("alice");

/** Signs with the validity the auth server uses: from a minute ago (clock skew) for an hour. */
function certify(
  ca: SshKeyPair,
  subject: SshKeyPair,
  type: SshCertType,
  principals: string[],
  validity: { from: number; to: number } = { from: Date.now() - 60_000, to: Date.now() + HOUR },
): SignedSshCertificate {
  return signSshCertificate({
    caPrivateKey: ca.privateKey,
    publicKey: subject.publicKey,
    type,
    keyId: type === "host" ? "node-uuid" : "alice",
    principals,
    validAfter: new Date(validity.from),
    validBefore: new Date(validity.to),
  });
}

const hostCert = certify(hostCa, hostKey, "host", ["node-uuid", NODE_NAME]);
const userCert = certify(userCa, userKey, "user", ["root"]);

let dir: string;
before(() => {
  dir = tempDir("ssh2-certs-");
});

function writeSecret(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

function writeText(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// ---- processes ------------------------------------------------------------------------------

const children = new Set<ChildProcess>();
after(async () => {
  await Promise.all([...children].map(stop));
});

/** SIGTERM (sshd then ends its session processes too), SIGKILL if still there after 3 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  process.kill(pid, "SIGTERM");
  const timer = setTimeout(() => child.exitCode === null && process.kill(pid, "SIGKILL"), 3000);
  await gone;
  clearTimeout(timer);
}

/** `ssh` options that trust hosts only through the CA line in `knownHosts`. */
function strictHostArgs(knownHosts: string, port: number, alias = NODE_NAME): string[] {
  return [
    "-o",
    `UserKnownHostsFile=${knownHosts}`,
    "-o",
    "GlobalKnownHostsFile=/dev/null",
    "-o",
    "StrictHostKeyChecking=yes",
    // The node is dialled at 127.0.0.1:PORT; known_hosts lookups and the certificate's principal
    // check use this name instead (as for "ssh node1.example.test" through a proxy).
    "-o",
    `HostKeyAlias=${alias}`,
    "-p",
    String(port),
  ];
}

// ---- an ssh2 server -------------------------------------------------------------------------

interface TestServer {
  port: number;
  /** Each publickey decision, in order. */
  decisions: UserCertificateDecision[];
  /** Commands run through "exec". */
  commands: string[];
}

type AuthPolicy = "accept-any-key" | "user-certificates";

const servers = new Set<InstanceType<typeof Server>>();
const connections = new Set<Connection>();
after(() => {
  for (const c of connections) c.end();
  for (const s of servers) s.close();
});

function startServer(
  hostKeys: (EncryptedPrivateKey | string)[],
  policy: AuthPolicy,
): Promise<TestServer> {
  const state: TestServer = { port: 0, decisions: [], commands: [] };
  const server = new Server({ hostKeys }, (client, info) => {
    connections.add(client);
    client.on("close", () => connections.delete(client));
    client.on("error", () => undefined); // refused clients hang up mid-handshake
    client.on("authentication", (ctx: AuthContext) => {
      if (ctx.method !== "publickey") return ctx.reject(["publickey"]);
      if (policy === "accept-any-key") return ctx.accept();
      const decision = checkUserCertificate(ctx, {
        userCaKeys: [userCa.publicKey],
        clientAddress: info.ip,
      });
      state.decisions.push(decision);
      return decision.ok ? ctx.accept() : ctx.reject(["publickey"]);
    });
    client.on("ready", () => {
      client.on("session", (accept) => {
        const session = accept();
        session.on("exec", (acceptExec, _reject, { command }) => {
          state.commands.push(command);
          const stream = acceptExec();
          stream.write(`ran: ${command}\n`);
          stream.exit(0);
          stream.end();
        });
      });
    });
  });
  servers.add(server);
  return new Promise((resolve, reject) => {
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (!address || typeof address !== "object") return reject(new Error("no address"));
      state.port = address.port;
      resolve(state);
    });
  });
}

// ---- an ssh2 client -------------------------------------------------------------------------

function exec(client: SshClient, command: string): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) return reject(err);
      let stdout = "";
      let code = -1;
      stream.on("data", (d: Buffer) => (stdout += d.toString()));
      stream.on("exit", (c: number) => (code = c));
      stream.on("close", () => resolve({ code, stdout }));
    });
  });
}

function decisionSummary(d: UserCertificateDecision): string {
  return d.ok ? `ok(${d.signed ? "signed" : "query"})` : d.reason;
}

// ---- tests ----------------------------------------------------------------------------------

describe("ssh2 server presenting a host certificate to OpenSSH", { skip: skipSsh }, () => {
  let server: TestServer;
  let userKeyFile: string;
  before(async () => {
    server = await startServer(
      [hostKeyWithCertificate({ privateKey: hostKey.privateKey, certificate: hostCert.line })],
      "accept-any-key",
    );
    userKeyFile = writeSecret("plain_user_key", userKey.opensshPrivateKey);
  });

  it("connects without a prompt when known_hosts has only the host CA", async () => {
    const knownHosts = writeText(
      "known_hosts",
      `${formatKnownHostsCaLine({ clusterName: CLUSTER, caPublicKey: hostCa.publicKey })}\n`,
    );
    const r = await runOpenSsh([
      "-v",
      ...strictHostArgs(knownHosts, server.port),
      "-i",
      userKeyFile,
      "root@127.0.0.1",
      "true",
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /Server host certificate: ssh-ed25519-cert-v01@openssh\.com /);
    assert.match(r.stderr, /matches the ED25519-CERT host certificate/);
    assert.equal(r.stdout, "ran: true\n");
  });

  it("fails host key verification when known_hosts trusts another CA", async () => {
    const knownHosts = writeText(
      "known_hosts_foreign",
      `${formatKnownHostsCaLine({ clusterName: CLUSTER, caPublicKey: foreignCa.publicKey })}\n`,
    );
    const r = await runOpenSsh([
      ...strictHostArgs(knownHosts, server.port),
      "-i",
      userKeyFile,
      "root@127.0.0.1",
      "true",
    ]);
    assert.equal(r.status, 255);
    // The certificate is not from a trusted CA, and the plain key is not known either.
    assert.match(r.stderr, /No ED25519 host key is known for node1\.example\.test/);
    assert.match(r.stderr, /Host key verification failed\./);
  });

  it("fails host key verification for a name the certificate does not list", async () => {
    const knownHosts = writeText(
      "known_hosts_other",
      `${formatKnownHostsCaLine({ clusterName: CLUSTER, caPublicKey: hostCa.publicKey })}\n`,
    );
    const r = await runOpenSsh([
      ...strictHostArgs(knownHosts, server.port, `node2.${CLUSTER}`),
      "-i",
      userKeyFile,
      "root@127.0.0.1",
      "true",
    ]);
    assert.equal(r.status, 255);
    assert.match(r.stderr, /Certificate invalid: name is not a listed principal/);
    assert.match(r.stderr, /Host key verification failed\./);
  });
});

describe("ssh2 server checking OpenSSH user certificates", { skip: skipSsh }, () => {
  let server: TestServer;
  let knownHosts: string;
  before(async () => {
    server = await startServer(
      [hostKeyWithCertificate({ privateKey: hostKey.privateKey, certificate: hostCert.blob })],
      "user-certificates",
    );
    knownHosts = writeText(
      "known_hosts_users",
      `${formatKnownHostsCaLine({ clusterName: CLUSTER, caPublicKey: hostCa.publicKey })}\n`,
    );
  });

  /** Logs in as `login` with userKey and `cert`, returning the ssh result and the decisions. */
  async function login(name: string, cert: SignedSshCertificate, login = "root") {
    // ssh -i KEY also loads KEY-cert.pub, the way tsh writes identities.
    const key = writeSecret(name, userKey.opensshPrivateKey);
    writeText(`${name}-cert.pub`, `${cert.line}\n`);
    server.decisions.length = 0;
    const r = await runOpenSsh([
      ...strictHostArgs(knownHosts, server.port),
      "-o",
      "IdentitiesOnly=yes",
      "-i",
      key,
      `${login}@127.0.0.1`,
      "true",
    ]);
    return { r, decisions: server.decisions.map(decisionSummary) };
  }

  it("lets a valid certificate in: the query, then the signed attempt", async () => {
    const { r, decisions } = await login("valid", userCert);
    assert.equal(r.status, 0, r.stderr);
    // OpenSSH also offers the plain key of the file, which is refused.
    assert.deepEqual(decisions, ["not-a-certificate", "ok(query)", "ok(signed)"]);
  });

  it("also with -o CertificateFile=", async () => {
    const key = writeSecret("certfile_key", userKey.opensshPrivateKey);
    const certFile = writeText("certfile.pub", `${userCert.line}\n`);
    server.decisions.length = 0;
    const r = await runOpenSsh([
      ...strictHostArgs(knownHosts, server.port),
      "-o",
      "IdentitiesOnly=yes",
      "-o",
      `CertificateFile=${certFile}`,
      "-i",
      key,
      "root@127.0.0.1",
      "true",
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(server.decisions.map(decisionSummary).includes("ok(signed)"));
  });

  it("refuses an expired certificate", async () => {
    const expired = certify(userCa, userKey, "user", ["root"], {
      from: Date.now() - 2 * HOUR,
      to: Date.now() - HOUR,
    });
    const { r, decisions } = await login("expired", expired);
    assert.equal(r.status, 255);
    assert.match(r.stderr, /Permission denied \(publickey\)/);
    assert.ok(decisions.includes("expired"), decisions.join());
    assert.ok(!decisions.some((d) => d.startsWith("ok")), decisions.join());
  });

  it("refuses a certificate from another CA", async () => {
    const { r, decisions } = await login("foreign", certify(foreignCa, userKey, "user", ["root"]));
    assert.equal(r.status, 255);
    assert.ok(decisions.includes("untrusted-ca"), decisions.join());
    assert.ok(!decisions.some((d) => d.startsWith("ok")), decisions.join());
  });

  it("refuses a login the certificate does not list", async () => {
    const { r, decisions } = await login("principal", userCert, "alice");
    assert.equal(r.status, 255);
    assert.ok(decisions.includes("principal-not-listed"), decisions.join());
    assert.ok(!decisions.some((d) => d.startsWith("ok")), decisions.join());
  });
});

describe("checkUserCertificate on the signed attempt", () => {
  const blob = Buffer.from("session id + userauth request");
  const attempt = (signature?: Buffer) => ({
    username: "root",
    key: { algo: "ssh-ed25519-cert-v01@openssh.com", data: userCert.blob },
    signature,
    blob,
  });
  const options = { userCaKeys: [userCa.authorizedKey] };

  it("accepts a signature by the certificate's key", () => {
    const d = checkUserCertificate(attempt(sign(null, blob, userKey.privateKey)), options);
    assert.equal(decisionSummary(d), "ok(signed)");
  });

  it("refuses a signature by another key, or a malformed one", () => {
    const other = generateSshKeyPair();
    for (const signature of [sign(null, blob, other.privateKey), Buffer.alloc(10)]) {
      const d = checkUserCertificate(attempt(signature), options);
      assert.equal(decisionSummary(d), "bad-session-signature");
    }
  });

  it("refuses plain keys: nodes take certificates only", () => {
    const d = checkUserCertificate(
      { username: "root", key: { algo: "ssh-ed25519", data: Buffer.alloc(51) } },
      options,
    );
    assert.equal(decisionSummary(d), "not-a-certificate");
  });
});

describe(
  "ssh2 client with certificates against OpenSSH sshd",
  { skip: skipSsh || skipSshd },
  () => {
    let port: number;
    before(async () => {
      // sshd refuses to start without its privilege separation folder (made by the service unit).
      mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
      const hostKeyFile = writeSecret("sshd_host_key", hostKey.opensshPrivateKey);
      writeText("sshd_host_key-cert.pub", `${hostCert.line}\n`);
      const userCaFile = writeText("user_ca.pub", `${userCa.authorizedKey}\n`);
      const config = writeText(
        "sshd_config",
        [
          "ListenAddress 127.0.0.1",
          `HostKey ${hostKeyFile}`,
          `HostCertificate ${join(dir, "sshd_host_key-cert.pub")}`,
          "PidFile none",
          "UsePAM no",
          "AuthorizedKeysFile none",
          "PermitRootLogin yes",
          `TrustedUserCAKeys ${userCaFile}`,
          "PasswordAuthentication no",
          "KbdInteractiveAuthentication no",
          "LogLevel VERBOSE",
          "",
        ].join("\n"),
      );
      port = await freePort();
      const sshd = spawn(SSHD, ["-D", "-e", "-f", config, "-p", String(port)], {
        stdio: ["ignore", "ignore", "pipe"],
      });
      children.add(sshd);
      let stderr = "";
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`sshd did not start:\n${stderr}`)), 10_000);
        sshd.stderr.on("data", (d: Buffer) => {
          stderr += d.toString();
          if (stderr.includes(`Server listening on 127.0.0.1 port ${port}`)) {
            clearTimeout(timer);
            resolve();
          }
        });
        sshd.on("exit", (code) => reject(new Error(`sshd exited (${code}):\n${stderr}`)));
      });
    });

    const hostCheck = (hostname: string, rejections: HostCertificateRejection[] = []) =>
      hostCertificateVerifier({
        hostCaKeys: [hostCa.publicKey],
        hostname,
        onReject: (r) => rejections.push(r),
      });

    it("logs in with a user certificate, trusting sshd by its host certificate", async () => {
      const client = await connectSsh2({
        port,
        ...userCertificateAuth({
          username: "root",
          privateKey: userKey.privateKey,
          certificate: userCert.line,
        }),
        ...hostCheck(NODE_NAME),
      });
      try {
        const r = await exec(client, "id -un");
        assert.deepEqual(r, { code: 0, stdout: "root\n" });
      } finally {
        client.end();
      }
    });

    it("is refused by sshd with a certificate from another CA", async () => {
      await assert.rejects(
        connectSsh2({
          port,
          ...userCertificateAuth({
            username: "root",
            privateKey: userKey.privateKey,
            certificate: certify(foreignCa, userKey, "user", ["root"]).blob,
          }),
          ...hostCheck(NODE_NAME),
        }),
        /All configured authentication methods failed/,
      );
    });

    it("refuses sshd's host certificate for a name it does not list", async () => {
      const rejections: HostCertificateRejection[] = [];
      await assert.rejects(
        connectSsh2({
          port,
          ...userCertificateAuth({
            username: "root",
            privateKey: userKey.privateKey,
            certificate: userCert.blob,
          }),
          ...hostCheck(`node2.${CLUSTER}`, rejections),
        }),
        /Host denied/,
      );
      assert.deepEqual(
        rejections.map((r) => r.reason),
        ["principal-not-listed"],
      );
    });
  },
);

describe("ssh2 client against the ssh2 server, both with certificates", () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(
      [
        hostKeyWithCertificate({
          privateKey: hostKey.opensshPrivateKey,
          certificate: hostCert.blob,
        }),
      ],
      "user-certificates",
    );
  });
  const auth = () =>
    userCertificateAuth({
      username: "root",
      privateKey: userKey.opensshPrivateKey,
      certificate: userCert.blob,
    });

  it("verifies the host certificate and logs in with the user certificate", async () => {
    server.decisions.length = 0;
    const client = await connectSsh2({
      port: server.port,
      ...auth(),
      ...hostCertificateVerifier({ hostCaKeys: [hostCa.authorizedKey], hostname: "node-uuid" }),
    });
    try {
      assert.deepEqual(await exec(client, "hello"), { code: 0, stdout: "ran: hello\n" });
    } finally {
      client.end();
    }
    // ssh2's client queries first too.
    assert.deepEqual(server.decisions.map(decisionSummary), ["ok(query)", "ok(signed)"]);
  });

  it("refuses the server when its certificate is from another CA", async () => {
    const rejections: HostCertificateRejection[] = [];
    await assert.rejects(
      connectSsh2({
        port: server.port,
        ...auth(),
        ...hostCertificateVerifier({
          hostCaKeys: [foreignCa.publicKey],
          hostname: NODE_NAME,
          onReject: (r) => rejections.push(r),
        }),
      }),
      /Host denied/,
    );
    assert.deepEqual(
      rejections.map((r) => r.reason),
      ["untrusted-ca"],
    );
  });

  it("refuses a server without a host certificate", async () => {
    const plain = await startServer([hostKey.opensshPrivateKey], "accept-any-key");
    await assert.rejects(
      connectSsh2({
        port: plain.port,
        ...auth(),
        ...hostCertificateVerifier({ hostCaKeys: [hostCa.publicKey], hostname: NODE_NAME }),
      }),
      /no matching host key format/,
    );
  });

  it("refuses a host certificate that is not for the host key", () => {
    assert.throws(
      () =>
        hostKeyWithCertificate({
          privateKey: generateSshKeyPair().privateKey,
          certificate: hostCert.blob,
        }),
      /for another key/,
    );
    assert.throws(
      () => hostKeyWithCertificate({ privateKey: userKey.privateKey, certificate: userCert.blob }),
      /is a user certificate, not a host one/,
    );
  });
});
