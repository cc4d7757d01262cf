// Where a tsh profile lives, in Teleport's layout under ~/.tsh (or $TELEPORT_HOME):
//
//   current-profile                       name of the active profile (the proxy's host)
//   <proxy>.yaml                          proxy addresses, user, cluster
//   known_hosts                           "@cert-authority" lines of the clusters' host CAs
//   keys/<proxy>/<user>                   private key (OpenSSH format, for ssh -i too)
//   keys/<proxy>/<user>.pub               its public key
//   keys/<proxy>/<user>-x509.pem          TLS certificate
//   keys/<proxy>/<user>-ssh/<cluster>-cert.pub   SSH certificate
//   keys/<proxy>/cas/<cluster>.pem        the cluster's TLS CA certificates
import { homedir } from "node:os";
import { join } from "node:path";
import { ClientError } from "./errors.js";

export interface ProfilePaths {
  home: string;
  currentProfile: string;
  profile: string;
  knownHosts: string;
  keysDir: string;
  privateKey: string;
  publicKey: string;
  tlsCert: string;
  sshCertDir: string;
  sshCert: string;
  casDir: string;
  tlsCas: string;
}

/** The tsh folder: $TELEPORT_HOME as in Teleport, else ~/.tsh. */
export function tshHome(env: NodeJS.ProcessEnv = process.env): string {
  const custom = env["TELEPORT_HOME"];
  return custom !== undefined && custom !== "" ? custom : join(env["HOME"] ?? homedir(), ".tsh");
}

/** A name used as a file name must not climb out of its folder. */
function component(value: string, what: string): string {
  if (value === "" || value === "." || value === ".." || /[/\0\s]/.test(value)) {
    throw new ClientError(`${what} ${JSON.stringify(value)} cannot be used in a file name`);
  }
  return value;
}

export function profilePaths(
  home: string,
  names: { proxyHost: string; user: string; cluster: string },
): ProfilePaths {
  const proxy = component(names.proxyHost, "proxy host");
  const user = component(names.user, "user name");
  const cluster = component(names.cluster, "cluster name");
  const keysDir = join(home, "keys", proxy);
  const sshCertDir = join(keysDir, `${user}-ssh`);
  const casDir = join(keysDir, "cas");
  return {
    home,
    currentProfile: currentProfileFile(home),
    profile: profileFile(home, proxy),
    knownHosts: join(home, "known_hosts"),
    keysDir,
    privateKey: join(keysDir, user),
    publicKey: join(keysDir, `${user}.pub`),
    tlsCert: join(keysDir, `${user}-x509.pem`),
    sshCertDir,
    sshCert: join(sshCertDir, `${cluster}-cert.pub`),
    casDir,
    tlsCas: join(casDir, `${cluster}.pem`),
  };
}

/** <home>/<proxy>.yaml */
export function profileFile(home: string, proxyHost: string): string {
  return join(home, `${component(proxyHost, "proxy host")}.yaml`);
}

/** <home>/current-profile */
export function currentProfileFile(home: string): string {
  return join(home, "current-profile");
}
