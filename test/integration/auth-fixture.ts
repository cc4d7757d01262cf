// An auth server in this process on a temp data dir and a free port, with an admin client, a
// clock tests can move, and its JSON log in a file tests can read.
import { generateKeyPairSync, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  AuthApiError,
  AuthClient,
  generateSshKeyPair,
  loadIdentityFile,
  startAuthServer,
  type AuthServer,
  type AuthServerOptions,
  type ClientIdentity,
  type SshKeyPair,
  type UserCertsResponse,
} from "../../src/auth/index.js";
import type { LockoutPolicy } from "../../src/auth/users/index.js";
import type { SecondFactor, SessionRecordingMode } from "../../src/config/index.js";
import { createLogger } from "../../src/log/index.js";
import { tempDir } from "../helpers/tmp.js";

export interface Clock {
  /** Milliseconds added to the real time. */
  offset: number;
  now: () => Date;
}

export interface AuthFixture {
  dataDir: string;
  logFile: string;
  clock: Clock;
  server: AuthServer;
  /** The client tctl would use: admin.identity. */
  admin: AuthClient;
  clusterName: string;
  /** Stops the server and starts a new one on the same data dir (and a new port). */
  restart(): Promise<void>;
  /** Stops the server; start() brings it back on the same data dir and port (an outage). */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
  log(): string;
  client(identity?: ClientIdentity): AuthClient;
}

export interface FixtureOptions {
  lockout?: LockoutPolicy;
  clusterName?: string;
  secondFactor?: SecondFactor;
  sessionRecording?: SessionRecordingMode;
  /** auth_service.audit_sessions_uri. */
  auditSessionsUri?: string;
}

export async function startAuthFixture(options: FixtureOptions = {}): Promise<AuthFixture> {
  const dir = tempDir("auth-");
  const dataDir = join(dir, "data");
  const logFile = join(dir, "teleport.log");
  const logger = createLogger({ output: logFile, severity: "DEBUG", format: "json" });
  const clock: Clock = { offset: 0, now: () => new Date(Date.now() + clock.offset) };
  const clusterName = options.clusterName ?? "test.example.com";
  const serverOptions: AuthServerOptions = {
    dataDir,
    listen: { host: "127.0.0.1", port: 0 },
    clusterName,
    logger,
    now: clock.now,
    hostname: "auth-host",
    ...(options.lockout === undefined ? {} : { lockout: options.lockout }),
    ...(options.secondFactor === undefined ? {} : { secondFactor: options.secondFactor }),
    ...(options.sessionRecording === undefined
      ? {}
      : { sessionRecording: options.sessionRecording }),
    ...(options.auditSessionsUri === undefined
      ? {}
      : { auditSessionsUri: options.auditSessionsUri }),
  };
  const adminFor = async (server: AuthServer): Promise<AuthClient> =>
    new AuthClient({
      addr: server.addr,
      identity: await loadIdentityFile(server.state.adminIdentityPath),
    });
  const server = await startAuthServer(serverOptions);
  const fixture: AuthFixture = {
    dataDir,
    logFile,
    clock,
    server,
    admin: await adminFor(server),
    clusterName,
    async restart() {
      await fixture.server.close();
      fixture.server = await startAuthServer(serverOptions);
      fixture.admin = await adminFor(fixture.server);
    },
    stop: () => fixture.server.close(),
    async start() {
      const listen = { host: "127.0.0.1", port: fixture.server.port };
      fixture.server = await startAuthServer({ ...serverOptions, listen });
      fixture.admin = await adminFor(fixture.server);
    },
    close: () => fixture.server.close(),
    log: () => readFileSync(logFile, "utf8"),
    client: (identity) =>
      identity === undefined
        ? new AuthClient({ addr: fixture.server.addr, caPin: fixture.server.state.caPin })
        : new AuthClient({ addr: fixture.server.addr, identity }),
  };
  return fixture;
}

/** Fresh keys of a client: an SSH key pair and an Ed25519 TLS key. */
export interface ClientKeys {
  ssh: SshKeyPair;
  tlsPrivateKey: KeyObject;
  tlsPublicKeyPem: string;
}

export function clientKeys(): ClientKeys {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    ssh: generateSshKeyPair(),
    tlsPrivateKey: privateKey,
    tlsPublicKeyPem: publicKey.export({ format: "pem", type: "spki" }).toString(),
  };
}

/** The mutual-TLS identity made of a key and the certificates issued for it. */
export function identityOf(
  keys: ClientKeys,
  certs: { tlsCertificate: string; tlsCaCertificates: readonly string[] },
): ClientIdentity {
  return {
    keyPem: keys.tlsPrivateKey.export({ format: "pem", type: "pkcs8" }).toString(),
    certPem: certs.tlsCertificate,
    caPems: certs.tlsCaCertificates,
  };
}

export type { UserCertsResponse };

export interface JoinedHost {
  keys: ClientKeys;
  hostId: string;
  joined: Awaited<ReturnType<AuthClient["join"]>>;
  identity: ClientIdentity;
  /** A client with the host's identity. */
  client: AuthClient;
}

/** Makes a token for `role` and joins with it (as hostname, from addr). */
export async function joinHost(
  fixture: AuthFixture,
  role: "node" | "proxy" = "node",
  hostname = "node-1",
): Promise<JoinedHost> {
  const token = await fixture.admin.addToken({ roles: [role], ttl: "5m" });
  const keys = clientKeys();
  const joined = await fixture.client().join({
    token: token.token,
    role,
    hostname,
    sshPublicKey: keys.ssh.authorizedKey,
    tlsPublicKey: keys.tlsPublicKeyPem,
    addr: "10.0.0.5:3022",
  });
  const identity = identityOf(keys, joined);
  return {
    keys,
    hostId: joined.hostId,
    joined,
    identity,
    client: fixture.client(identity),
  };
}

/** Certificates for a user without a password (tctl auth sign), as a client with that identity. */
export async function userClient(fixture: AuthFixture, user: string): Promise<AuthClient> {
  const keys = clientKeys();
  const certs = await fixture.admin.signCerts({
    user,
    ttl: "1h",
    sshPublicKey: keys.ssh.authorizedKey,
    tlsPublicKey: keys.tlsPublicKeyPem,
  });
  return fixture.client(identityOf(keys, certs));
}

/** Runs `call`, which must fail with an AuthApiError; returns it. */
export async function apiError(call: () => Promise<unknown>): Promise<AuthApiError> {
  try {
    await call();
  } catch (error) {
    if (error instanceof AuthApiError) return error;
    throw error;
  }
  throw new Error("expected the call to fail with an AuthApiError");
}
