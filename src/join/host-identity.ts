// A host identity (a node's or a proxy's): joined once with a token, then stored under
// <data_dir>/node or <data_dir>/proxy and reused on restart, so the token (often short-lived) is
// needed only the first time.
import { generateKeyPairSync } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  AuthClient,
  discoverCaPin,
  generateSshKeyPair,
  type ClientIdentity,
  type HostIdentityResponse,
  type JoinResponse,
  type LocalHostIdentityRequest,
} from "../auth/index.js";
import type { Logger } from "../log/index.js";
import { HostIdentityError, JoinError } from "./errors.js";

export type HostRole = "node" | "proxy";

export interface HostIdentity {
  hostId: string;
  clusterName: string;
  /** OpenSSH private key text of the host key. */
  sshPrivateKey: string;
  /** "ssh-ed25519-cert-v01@openssh.com …" */
  sshCertificate: string;
  sshUserCaLines: string[];
  sshHostCaLines: string[];
  tls: ClientIdentity;
}

/**
 * Issues a host identity without joining over the network: the auth server in the same
 * process (all-in-one) does it directly, so no token or CA pin is needed.
 */
export type HostIdentityProvider = (
  request: LocalHostIdentityRequest,
) => Promise<HostIdentityResponse>;

export interface JoinParams {
  role: HostRole;
  dataDir: string;
  authAddr: string;
  caPin: readonly string[];
  token: string | undefined;
  hostname: string;
  addr: string;
  labels: Readonly<Record<string, string>>;
  /** When set, the identity comes from it instead of joining with the token. */
  provider?: HostIdentityProvider | undefined;
  /** Warned when teleport.ca_pin is not set and the CA of the server reached first is trusted. */
  logger: Logger;
}

const FILE = "identity.json";

export function identityDir(dataDir: string, role: HostRole): string {
  return join(dataDir, role);
}

function writeSecret(path: string, text: string): void {
  // Written aside then renamed, so a crash never leaves half an identity.
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function store(dataDir: string, role: HostRole, identity: HostIdentity): void {
  const dir = identityDir(dataDir, role);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeSecret(join(dir, "host_key"), identity.sshPrivateKey);
  writeSecret(join(dir, "host_key-cert.pub"), `${identity.sshCertificate}\n`);
  writeSecret(join(dir, "tls.key"), identity.tls.keyPem);
  writeSecret(join(dir, FILE), `${JSON.stringify(identity, null, 2)}\n`);
}

/** The stored identity, or undefined when this host never joined as `role`. */
export function loadHostIdentity(dataDir: string, role: HostRole): HostIdentity | undefined {
  const path = join(identityDir(dataDir, role), FILE);
  if (!existsSync(path)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as HostIdentity;
    if (typeof parsed.hostId !== "string" || typeof parsed.sshCertificate !== "string") {
      throw new Error("fields missing");
    }
    return parsed;
  } catch (error) {
    throw new HostIdentityError(
      `the ${role} identity ${path} is damaged (${(error as Error).message}): ` +
        "remove that folder and join again with a fresh auth_token",
      { cause: error },
    );
  }
}

function fromJoin(joined: JoinResponse, sshPrivateKey: string, tlsKeyPem: string): HostIdentity {
  return {
    hostId: joined.hostId,
    clusterName: joined.clusterName,
    sshPrivateKey,
    sshCertificate: joined.sshCertificate,
    sshUserCaLines: joined.sshUserCaLines,
    sshHostCaLines: joined.sshHostCaLines,
    tls: {
      keyPem: tlsKeyPem,
      certPem: joined.tlsCertificate,
      caPems: joined.tlsCaCertificates,
    },
  };
}

/** The stored identity, or a new one from joining with the token (then stored). */
export async function obtainHostIdentity(
  params: JoinParams,
): Promise<{ identity: HostIdentity; joined: boolean }> {
  const { role } = params;
  const existing = loadHostIdentity(params.dataDir, role);
  if (existing) return { identity: existing, joined: false };
  if (params.provider !== undefined) {
    return issueAndStore(
      params,
      params.provider,
      `the auth server in this process could not issue the ${role} identity`,
    );
  }
  if (params.token === undefined || params.token === "") {
    throw new JoinError(
      `this ${role} has not joined the cluster (no identity in ${identityDir(params.dataDir, role)}) ` +
        `and teleport.auth_token is not set: create one with \`tctl tokens add --type=${role}\``,
    );
  }
  let pins = params.caPin;
  if (pins.length === 0) {
    // The guide's node config has no ca_pin; like Teleport, trust the auth server reached first.
    const pin = await discoverCaPin(params.authAddr);
    params.logger.warn(
      { auth_server: params.authAddr, ca_pin: pin },
      "Joining without teleport.ca_pin: trusting the CA of the auth server reached first. " +
        "Set teleport.ca_pin to the pin tctl status prints to make sure this is your cluster.",
    );
    pins = [pin];
  }
  const client = new AuthClient({ addr: params.authAddr, caPin: pins });
  const token = params.token;
  return issueAndStore(
    params,
    (request) => client.join({ token, role, ...request }),
    `joining the cluster at ${params.authAddr} failed`,
  );
}

/**
 * Makes the host's keys, has `issue` certify them (a join over the network, or the auth server in
 * this process), and stores the identity for the next start.
 */
async function issueAndStore(
  params: JoinParams,
  issue: (request: LocalHostIdentityRequest) => Promise<JoinResponse>,
  failure: string,
): Promise<{ identity: HostIdentity; joined: boolean }> {
  const ssh = generateSshKeyPair(params.hostname);
  const tls = generateKeyPairSync("ed25519");
  let issued: JoinResponse;
  try {
    issued = await issue({
      hostname: params.hostname,
      sshPublicKey: ssh.authorizedKey,
      tlsPublicKey: tls.publicKey.export({ format: "pem", type: "spki" }).toString(),
      addr: params.addr,
      labels: { ...params.labels },
    });
  } catch (error) {
    throw new JoinError(`${failure}: ${(error as Error).message}`, { cause: error });
  }
  const identity = fromJoin(
    issued,
    ssh.opensshPrivateKey,
    tls.privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
  );
  store(params.dataDir, params.role, identity);
  return { identity, joined: true };
}
