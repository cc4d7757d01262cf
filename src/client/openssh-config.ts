// `tsh config`: an OpenSSH client configuration block, in the shape Teleport prints, so that
// `ssh LOGIN@NODE.CLUSTER` goes through the proxy with the profile's certificate. The
// ProxyCommand is the OpenSSH client itself asking the proxy for the node's subsystem; it names
// its key and files on its own command line because it does not read the file this block is in.
import { SSH_ED25519_CERT } from "../auth/ca/index.js";
import { DEFAULT_NODE_PORT } from "./addr.js";

export interface OpensshConfigParams {
  cluster: string;
  /** The SSH proxy's host and port. */
  proxyHost: string;
  proxyPort: number;
  knownHosts: string;
  identityFile: string;
  certificateFile: string;
}

/** A path for ssh_config and for the shell running ProxyCommand. */
function quoted(path: string): string {
  if (/["\\$`\n]/.test(path)) {
    throw new TypeError(`path ${JSON.stringify(path)} cannot be written into an OpenSSH config`);
  }
  return `"${path}"`;
}

export function opensshConfig(params: OpensshConfigParams): string {
  const { cluster, proxyHost } = params;
  const proxyCommand = [
    "ssh",
    "-p",
    String(params.proxyPort),
    "-o",
    quoted(`UserKnownHostsFile=${params.knownHosts}`),
    "-o",
    quoted(`IdentityFile=${params.identityFile}`),
    "-o",
    quoted(`CertificateFile=${params.certificateFile}`),
    "-s",
    `%r@${proxyHost}`,
    `proxy:%h:%p@${cluster}`,
  ].join(" ");
  return [
    `# Begin generated Teleport configuration for ${proxyHost} by tsh`,
    "",
    `# Common flags for all ${cluster} hosts`,
    `Host *.${cluster} ${proxyHost}`,
    `    UserKnownHostsFile ${quoted(params.knownHosts)}`,
    `    IdentityFile ${quoted(params.identityFile)}`,
    `    CertificateFile ${quoted(params.certificateFile)}`,
    `    HostKeyAlgorithms ${SSH_ED25519_CERT}`,
    "",
    `# Flags for all ${cluster} hosts except the proxy`,
    `Host *.${cluster} !${proxyHost}`,
    `    Port ${DEFAULT_NODE_PORT}`,
    `    ProxyCommand ${proxyCommand}`,
    "",
    "# End generated Teleport configuration",
    "",
  ].join("\n");
}
