// An SSH node in this process, joined with a token to an in-process auth server, and OpenSSH
// client files (key, certificate, known_hosts trusting the host CA) for the users a test adds.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ConnectConfig } from "ssh2";
import { formatOpensshPrivateKey } from "../../src/auth/index.js";
import { parseConfig } from "../../src/config/index.js";
import { createLogger } from "../../src/log/index.js";
import { startNodeService, type NodeService } from "../../src/node/index.js";
import { hostCertificateVerifier, userCertificateAuth } from "../../src/ssh/index.js";
import { freePort } from "../helpers/net.js";
import {
  certificateLoginOptions,
  runOpenSsh,
  type CertificateLoginFiles,
  type SshResult,
} from "../helpers/openssh.js";
import { testCgroupRoot } from "../helpers/recording-host.js";
import { teleportYaml } from "../helpers/teleport-yaml.js";
import { tempDir } from "../helpers/tmp.js";
import {
  clientKeys,
  startAuthFixture,
  type AuthFixture,
  type FixtureOptions,
} from "./auth-fixture.js";

type Config = ReturnType<typeof parseConfig>;

/** The name the client checks the host certificate under (any name: known_hosts says `*`). */
export const HOST_ALIAS = "node-1.test.example.com";

export interface NodeFixtureOptions {
  /** Enhanced recording on (default true). */
  enhanced?: boolean;
  labels?: Record<string, string>;
  /** Extra lines under ssh_service (indented by the caller). */
  sshServiceLines?: string[];
  /** Options of the auth server (its second factor, lockout…). */
  auth?: FixtureOptions;
}

/** A role that allows login root only on nodes labelled env: prod, which the fixture's is not. */
export const PROD_ONLY_ROLE = [
  "kind: role",
  "version: v7",
  "metadata:",
  "  name: prod-only",
  "spec:",
  "  allow:",
  "    logins: [root]",
  "    node_labels:",
  "      env: prod",
].join("\n");

/** known_hosts trusts the cluster's host CA for any host name. */
export type UserFiles = CertificateLoginFiles;

/** Adds a Teleport user and writes its key, OpenSSH certificate and known_hosts at `base`*. */
export async function createUserFiles(
  auth: AuthFixture,
  base: string,
  name: string,
  options: { roles: string[]; logins: string[]; ttl?: string },
): Promise<UserFiles> {
  await auth.admin.addUser({ name, roles: options.roles, logins: options.logins });
  const keys = clientKeys();
  const certs = await auth.admin.signCerts({
    user: name,
    ttl: options.ttl ?? "1h",
    sshPublicKey: keys.ssh.authorizedKey,
    tlsPublicKey: keys.tlsPublicKeyPem,
  });
  const keyFile = base;
  writeFileSync(keyFile, formatOpensshPrivateKey(keys.ssh.privateKey), { mode: 0o600 });
  const certFile = `${base}-cert.pub`;
  writeFileSync(certFile, `${certs.sshCertificate}\n`);
  const knownHosts = `${base}.known_hosts`;
  const caLines = certs.sshHostCaLines.map((l) =>
    l.replace(/^@cert-authority\s+\S+/, "@cert-authority *"),
  );
  writeFileSync(knownHosts, `${caLines.join("\n")}\n`);
  return { keyFile, certFile, knownHosts };
}

/** OpenSSH client arguments: only the host CA trusted, only the user's key and certificate. */
export function opensshArgs(options: {
  port: number;
  user: UserFiles;
  login: string;
  command?: string | undefined;
  /** The node's name in its host certificate (default: the fixture's node). */
  hostAlias?: string;
}): string[] {
  return [
    ...certificateLoginOptions(options.user),
    "-o",
    `HostKeyAlias=${options.hostAlias ?? HOST_ALIAS}`,
    "-p",
    String(options.port),
    `${options.login}@127.0.0.1`,
    ...(options.command === undefined ? [] : [options.command]),
  ];
}

export interface NodeFixture {
  auth: AuthFixture;
  node: NodeService;
  dir: string;
  dataDir: string;
  port: number;
  config: Config;
  logFile: string;
  /** Adds a Teleport user and signs an OpenSSH certificate for it. */
  addUser(
    name: string,
    options: { roles: string[]; logins: string[]; ttl?: string },
  ): Promise<UserFiles>;
  /** OpenSSH client arguments logging in as `login` with the user's files, then the command. */
  sshArgs(user: UserFiles, login: string, command?: string): string[];
  /** ssh2 client options to the node as `login` with the user's files, checking its host certificate. */
  ssh2Config(user: UserFiles, login: string): ConnectConfig;
  ssh(user: UserFiles, login: string, command: string, input?: string): Promise<SshResult>;
  /** Stops the node and starts it again on the same data dir and port. */
  restartNode(config?: Config): Promise<void>;
  /** The sids of the recordings auth has published, waiting until there are at least `count`. */
  recordings(count: number): Promise<string[]>;
  /** The sid of the session whose exec ran `command`, once auth has published its recording. */
  publishedSessionOf(command: string): Promise<string>;
  close(): Promise<void>;
}

export interface NodeConfigOptions {
  nodename?: string;
  dataDir: string;
  /** One of the two: the auth server's address, or the proxy's web address. */
  authServer?: string;
  proxyServer?: string;
  token?: string;
  caPin?: string;
  port: number;
  rootPath: string;
  enhanced: boolean;
  labels: Record<string, string>;
  sshServiceLines: string[];
}

export function nodeConfigYaml(options: NodeConfigOptions): string {
  return teleportYaml({
    nodename: options.nodename ?? "node-1",
    dataDir: options.dataDir,
    token: options.token,
    authServer: options.authServer,
    proxyServer: options.proxyServer,
    caPin: options.caPin,
    ssh: {
      listenAddr: `127.0.0.1:${options.port}`,
      labels: options.labels,
      lines: options.sshServiceLines,
      enhanced: { enabled: options.enhanced, rootPath: options.rootPath },
    },
  });
}

/** A node config that joins `auth` directly, with a fresh node token and its CA pinned. */
export async function joiningNodeYaml(
  auth: AuthFixture,
  options: Omit<NodeConfigOptions, "authServer" | "proxyServer" | "token" | "caPin">,
): Promise<string> {
  const token = await auth.admin.addToken({ roles: ["node"], ttl: "5m" });
  return nodeConfigYaml({
    ...options,
    authServer: auth.server.addr,
    token: token.token,
    caPin: auth.server.state.caPin,
  });
}

export async function startNodeFixture(options: NodeFixtureOptions = {}): Promise<NodeFixture> {
  const dir = tempDir("node-");
  const dataDir = join(dir, "data");
  const cgroupRoot = testCgroupRoot();
  const auth = await startAuthFixture(options.auth);
  const port = await freePort();
  const config = parseConfig(
    await joiningNodeYaml(auth, {
      dataDir,
      port,
      rootPath: cgroupRoot.rootPath,
      enhanced: options.enhanced ?? true,
      labels: options.labels ?? { env: "test" },
      sshServiceLines: options.sshServiceLines ?? [],
    }),
    "teleport.yaml",
  );
  const logFile = join(dir, "node.log");
  const logger = createLogger({ output: logFile, severity: "DEBUG", format: "json" });
  let users = 0;

  const fixture: NodeFixture = {
    auth,
    node: await startNodeService({ config, logger }),
    dir,
    dataDir,
    port,
    config,
    logFile,
    async addUser(name, options) {
      users += 1;
      return createUserFiles(auth, join(dir, `user-${users}`), name, options);
    },
    sshArgs(user, login, command) {
      return opensshArgs({ port, user, login, command });
    },
    ssh2Config(user, login) {
      return {
        host: "127.0.0.1",
        port,
        ...userCertificateAuth({
          username: login,
          privateKey: readFileSync(user.keyFile, "utf8"),
          certificate: readFileSync(user.certFile, "utf8"),
        }),
        ...hostCertificateVerifier({
          hostCaKeys: [auth.server.state.cas.hostCa.ssh.publicKey],
          hostname: fixture.node.identity.hostId,
        }),
      };
    },
    ssh(user, login, command, input) {
      return runOpenSsh(fixture.sshArgs(user, login, command), input);
    },
    async restartNode(next) {
      await fixture.node.close();
      fixture.node = await startNodeService({ config: next ?? config, logger });
    },
    async recordings(count) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const sids = (await auth.admin.listRecordings()).map((r) => r.sid);
        if (sids.length >= count) return sids;
        if (Date.now() > deadline) {
          throw new Error(`auth published ${sids.length} recordings, not ${count}, within 30 s`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async publishedSessionOf(command) {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const execs = await auth.admin.searchEvents({ types: "exec", limit: "1000" });
        const sid = execs.events.find((e) => e["command"] === command)?.["sid"];
        const published = (await auth.admin.listRecordings()).map((r) => r.sid);
        if (typeof sid === "string" && published.includes(sid)) return sid;
        if (Date.now() > deadline) {
          throw new Error(`no published recording of "${command}" in 30 s`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    async close() {
      await fixture.node.close();
      await auth.close();
      // Instances leave <root_path> for their siblings; this one is the fixture's own.
      cgroupRoot.remove();
    },
  };
  return fixture;
}
