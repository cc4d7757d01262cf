// The cluster side of bench/ssh.ts: an auth server and SSH nodes in this process, each node on its
// own data dir, port and cgroup root_path; a user certificate the real ssh client logs in with;
// and host certificates for other servers (sshd), so the client checks every host the same way.
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  AuthClient,
  generateSshKeyPair,
  loadIdentityFile,
  startAuthServer,
  type AuthServer,
  type SshKeyPair,
} from "../../src/auth/index.js";
import { signSshCertificate } from "../../src/auth/ca/index.js";
import { findCgroup2Mount } from "../../src/cgroup/index.js";
import { parseConfig } from "../../src/config/index.js";
import { createLogger, type Logger } from "../../src/log/index.js";
import { startNodeService, type NodeService } from "../../src/node/index.js";
import { freePort } from "../../test/helpers/net.js";
import { nodeConfigYaml } from "../../test/integration/node-fixture.js";

/** What the ssh client needs to log in anywhere in the cluster (and to sshd trusting its CAs). */
export interface ClientFiles {
  keyFile: string;
  certFile: string;
  /** `@cert-authority *` with the cluster's host CA. */
  knownHosts: string;
}

export interface BenchNode {
  name: string;
  port: number;
  enhanced: boolean;
  /** <cgroup mount>/<root_path>: the node's session cgroups are under it. */
  cgroupRoot: string;
}

export interface BenchCluster {
  cgroupMount: string;
  /** The user CA as an authorized_keys key ("ssh-ed25519 AAAA…"), for sshd's TrustedUserCAKeys. */
  userCaKey: string;
  client: ClientFiles;
  startNode(name: string, enhanced: boolean): Promise<BenchNode>;
  /** A fresh host key and its certificate from the host CA, for a server that is not a node. */
  hostKeyWithCertificate(principal: string): { key: SshKeyPair; certificate: string };
  /** How many session recordings auth has published. */
  publishedRecordings(): Promise<number>;
  close(): Promise<void>;
}

const USER = "bench";

/**
 * Starts auth in `dir` and signs a certificate for a user who may log in as `login`. Logs go to
 * files in `dir` at INFO, as a node in service would log (DEBUG would cost per session).
 */
export async function startCluster(dir: string, login: string): Promise<BenchCluster> {
  const cgroupPath = findCgroup2Mount();
  if (cgroupPath === undefined) throw new Error("no cgroup v2 mount on this host");
  const logger = (name: string): Logger =>
    createLogger({ output: join(dir, `${name}.log`), severity: "INFO", format: "json" });
  const auth: AuthServer = await startAuthServer({
    dataDir: join(dir, "auth"),
    listen: { host: "127.0.0.1", port: 0 },
    clusterName: "bench.example.com",
    logger: logger("auth"),
    hostname: "bench-auth",
  });
  const nodes: NodeService[] = [];
  const cgroupRoots: string[] = [];
  const closeAll = async (): Promise<void> => {
    for (const node of nodes.splice(0)) await node.close();
    await auth.close();
    // Nodes leave <root_path> for sibling instances; these ones are the bench's own.
    for (const root of cgroupRoots.splice(0)) if (existsSync(root)) rmdirSync(root);
  };
  try {
    const admin = new AuthClient({
      addr: auth.addr,
      identity: await loadIdentityFile(auth.state.adminIdentityPath),
    });
    await admin.addUser({ name: USER, roles: ["access"], logins: [login] });
    const userKey = generateSshKeyPair();
    // signCerts wants a TLS key as well; the bench never uses it.
    const tlsKey = generateKeyPairSync("ed25519").publicKey;
    const certs = await admin.signCerts({
      user: USER,
      ttl: "1h",
      sshPublicKey: userKey.authorizedKey,
      tlsPublicKey: tlsKey.export({ format: "pem", type: "spki" }).toString(),
    });
    const client: ClientFiles = {
      keyFile: join(dir, "user"),
      certFile: join(dir, "user-cert.pub"),
      knownHosts: join(dir, "known_hosts"),
    };
    writeFileSync(client.keyFile, userKey.opensshPrivateKey, { mode: 0o600 });
    writeFileSync(client.certFile, `${certs.sshCertificate}\n`);
    const caLines = certs.sshHostCaLines.map((l) =>
      l.replace(/^@cert-authority\s+\S+/, "@cert-authority *"),
    );
    writeFileSync(client.knownHosts, `${caLines.join("\n")}\n`);
    const { cas } = auth.state;

    return {
      cgroupMount: cgroupPath,
      userCaKey: cas.userCa.ssh.authorizedKey.split(/\s+/).slice(0, 2).join(" "),
      client,
      async startNode(name, enhanced) {
        const token = await admin.addToken({ roles: ["node"], ttl: "5m" });
        const rootPath = `/teleport-bench-${randomUUID().slice(0, 8)}`;
        const cgroupRoot = join(cgroupPath, rootPath);
        cgroupRoots.push(cgroupRoot);
        const dataDir = join(dir, name);
        mkdirSync(dataDir);
        const config = parseConfig(
          nodeConfigYaml({
            nodename: name,
            dataDir,
            authServer: auth.addr,
            token: token.token,
            caPin: auth.state.caPin,
            port: await freePort(),
            rootPath,
            enhanced,
            labels: { env: "bench" },
            sshServiceLines: [],
          }),
          `${name}.yaml`,
        );
        const node = await startNodeService({ config, logger: logger(name) });
        nodes.push(node);
        return {
          name,
          port: node.port,
          enhanced,
          cgroupRoot,
        };
      },
      hostKeyWithCertificate(principal) {
        const key = generateSshKeyPair();
        const now = Date.now();
        const signed = signSshCertificate({
          caPrivateKey: cas.hostCa.ssh.privateKey,
          publicKey: key.authorizedKey,
          type: "host",
          keyId: principal,
          principals: [principal],
          validAfter: new Date(now - 60_000),
          validBefore: new Date(now + 3_600_000),
        });
        return { key, certificate: signed.line };
      },
      publishedRecordings: async () => (await admin.listRecordings()).length,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
