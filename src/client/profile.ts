// The tsh profile: what `tsh login` keeps under ~/.tsh (see profile-paths.ts for the layout)
// and what every later command reads back.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { parse, stringify } from "yaml";
import { z } from "zod";
import {
  formatAuthorizedKey,
  formatOpensshPrivateKey,
  parseKnownHostsCaLine,
  parseOpensshPrivateKey,
  splitPemCertificates,
} from "../auth/ca/index.js";
import {
  formatHostPort,
  parseHostPort,
  DEFAULT_SSH_PROXY_PORT,
  DEFAULT_WEB_PORT,
  type HostPort,
} from "./addr.js";
import { readCredentials, type CredentialParts, type Credentials } from "./credentials.js";
import { ClientError } from "./errors.js";
import { makePrivateDir, writePrivateFile } from "./private-files.js";
import {
  currentProfileFile,
  profileFile,
  profilePaths,
  type ProfilePaths,
} from "./profile-paths.js";

const profileSchema = z.object({
  web_proxy_addr: z.string().min(1),
  ssh_proxy_addr: z.string().min(1),
  user: z.string().min(1),
  cluster: z.string().min(1),
});

export interface Profile {
  /** The proxy's host: the profile's name, as in Teleport. */
  name: string;
  webProxy: HostPort;
  sshProxy: HostPort;
  user: string;
  cluster: string;
  paths: ProfilePaths;
}

export interface NewProfile {
  webProxy: HostPort;
  sshProxy: HostPort;
  user: string;
  cluster: string;
  parts: CredentialParts;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ClientError(`cannot read ${what} ${path}: ${reason(error)}: run tsh login again`, {
      cause: error,
    });
  }
}

/**
 * The host CA lines as OpenSSH must see them: the proxy and every host of the cluster, also
 * with a port (OpenSSH looks up "[host]:port" for any port but 22).
 */
function knownHostsLines(lines: readonly string[], cluster: string, proxyHost: string): string[] {
  const hosts = [proxyHost, `[${proxyHost}]:*`, cluster, `*.${cluster}`, `[*.${cluster}]:*`];
  return lines.map((line) => {
    const key = formatAuthorizedKey(parseKnownHostsCaLine(line).caPublicKey);
    return `@cert-authority ${hosts.join(",")} ${key} type=host`;
  });
}

/** Lines of known_hosts that trust the host CA of `cluster`. */
function clusterLines(text: string, cluster: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("@cert-authority"))
    .filter((line) => (line.split(/\s+/)[1] ?? "").split(",").includes(cluster));
}

function updateKnownHosts(path: string, cluster: string, lines: readonly string[]): void {
  const old = existsSync(path) ? readFileSync(path, "utf8") : "";
  const stale = new Set(clusterLines(old, cluster));
  const kept = old.split("\n").filter((line) => line.trim() !== "" && !stale.has(line.trim()));
  writePrivateFile(path, [...kept, ...lines].map((line) => `${line}\n`).join(""));
}

/** Writes the keys, certificates and profile, and makes it the current profile. */
export function saveProfile(home: string, profile: NewProfile): Profile {
  const name = profile.webProxy.host;
  const paths = profilePaths(home, {
    proxyHost: name,
    user: profile.user,
    cluster: profile.cluster,
  });
  for (const dir of [home, paths.keysDir, paths.sshCertDir, paths.casDir]) makePrivateDir(dir);
  const { parts } = profile;
  writePrivateFile(paths.privateKey, formatOpensshPrivateKey(parts.privateKey));
  writePrivateFile(paths.publicKey, `${formatAuthorizedKey(parts.privateKey)}\n`);
  writePrivateFile(paths.sshCert, `${parts.sshCertificate.trim()}\n`);
  writePrivateFile(paths.tlsCert, parts.tlsCertificatePem);
  writePrivateFile(paths.tlsCas, parts.tlsCaPems.join(""));
  updateKnownHosts(
    paths.knownHosts,
    profile.cluster,
    knownHostsLines(parts.sshHostCaLines, profile.cluster, name),
  );
  writePrivateFile(
    paths.profile,
    stringify({
      web_proxy_addr: formatHostPort(profile.webProxy),
      ssh_proxy_addr: formatHostPort(profile.sshProxy),
      user: profile.user,
      cluster: profile.cluster,
    }),
  );
  writePrivateFile(paths.currentProfile, `${name}\n`);
  return { name, ...profile, paths };
}

/** The name in current-profile; undefined when there is none. */
export function currentProfileName(home: string): string | undefined {
  const path = currentProfileFile(home);
  if (!existsSync(path)) return undefined;
  const name = readFileSync(path, "utf8").trim();
  return name === "" ? undefined : name;
}

/** The profile of proxy host `name`; undefined when there is none. */
export function loadProfile(home: string, name: string): Profile | undefined {
  const file = profileFile(home, name);
  if (!existsSync(file)) return undefined;
  let parsed: z.output<typeof profileSchema>;
  try {
    parsed = profileSchema.parse(parse(readText(file, "the profile")));
  } catch (error) {
    if (error instanceof ClientError) throw error;
    throw new ClientError(`the profile ${file} is damaged (${reason(error)}): run tsh login again`);
  }
  return {
    name,
    webProxy: parseHostPort(parsed.web_proxy_addr, DEFAULT_WEB_PORT, "web_proxy_addr"),
    sshProxy: parseHostPort(parsed.ssh_proxy_addr, DEFAULT_SSH_PROXY_PORT, "ssh_proxy_addr"),
    user: parsed.user,
    cluster: parsed.cluster,
    paths: profilePaths(home, { proxyHost: name, user: parsed.user, cluster: parsed.cluster }),
  };
}

/** Every profile under home (by the <proxy>.yaml files). */
export function listProfiles(home: string): string[] {
  if (!existsSync(home)) return [];
  return readdirSync(home)
    .filter((file) => file.endsWith(".yaml"))
    .map((file) => file.slice(0, -".yaml".length));
}

/** The keys and certificates a profile points at. */
export function profileCredentials(profile: Profile): Credentials {
  const { paths } = profile;
  const keyText = readText(paths.privateKey, "the private key");
  let privateKey;
  try {
    privateKey = parseOpensshPrivateKey(keyText).privateKey;
  } catch (error) {
    throw new ClientError(`${paths.privateKey} is damaged (${reason(error)}): run tsh login again`);
  }
  const knownHosts = existsSync(paths.knownHosts) ? readFileSync(paths.knownHosts, "utf8") : "";
  return readCredentials(
    {
      privateKey,
      sshCertificate: readText(paths.sshCert, "the SSH certificate").trim(),
      tlsCertificatePem: readText(paths.tlsCert, "the TLS certificate"),
      tlsCaPems: splitPemCertificates(readText(paths.tlsCas, "the TLS CA certificates")),
      sshHostCaLines: clusterLines(knownHosts, profile.cluster),
    },
    `the profile in ${paths.home}`,
    "profile",
  );
}

/** Deletes a profile's keys and file (and current-profile when it names it). */
export function removeProfile(home: string, name: string): void {
  const profile = loadProfile(home, name);
  if (profile !== undefined) rmSync(profile.paths.keysDir, { recursive: true, force: true });
  rmSync(profileFile(home, name), { force: true });
  if (currentProfileName(home) === name) {
    rmSync(currentProfileFile(home), { force: true });
  }
}
