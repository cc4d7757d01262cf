// What every tsh command starts from: the shared options (-i, --proxy, --user, --insecure, on
// the root or on the command), and the user's credentials from an identity file (-i) or the
// current profile under ~/.tsh, with where the proxy is.
import { Option, type Command } from "commander";
import { IdentityLoadError, loadIdentityFile } from "../auth/index.js";
import {
  currentProfileName,
  DEFAULT_WEB_PORT,
  loadProfile,
  NotLoggedInError,
  parseHostPort,
  profileCredentials,
  readCredentials,
  sshProxyAddr,
  tshHome,
  WebApi,
  ClientError,
  type Credentials,
  type HostPort,
  type Profile,
} from "../client/index.js";
import { UsageError } from "./errors.js";

export interface TshGlobals {
  identity?: string;
  proxy?: string;
  user?: string;
  insecure: boolean;
}

/** Adds the shared options; on the root and on each command, so they go before or after it. */
export function addClientOptions(command: Command): Command {
  return command
    .addOption(new Option("-i, --identity <file>", "identity file made by 'tctl auth sign'"))
    .addOption(new Option("--proxy <host:port>", "the proxy's web address (default port 3080)"))
    .addOption(new Option("--user <name>", "Teleport user (default: the local user)"))
    .addOption(new Option("--insecure", "accept the proxy's certificate unchecked (testing only)"));
}

/** The shared options given on the root or on the command (the command's win). */
export function globalsOf(command: Command): TshGlobals {
  const merged: Record<string, unknown> = {};
  const chain: Command[] = [];
  for (let at: Command | null = command; at !== null; at = at.parent) chain.unshift(at);
  for (const level of chain) {
    for (const [key, value] of Object.entries(level.opts())) {
      if (value !== undefined) merged[key] = value;
    }
  }
  const text = (key: string): string | undefined =>
    typeof merged[key] === "string" ? merged[key] : undefined;
  return {
    identity: text("identity"),
    proxy: text("proxy"),
    user: text("user"),
    insecure: merged["insecure"] === true,
  };
}

export function proxyArg(text: string): HostPort {
  try {
    return parseHostPort(text, DEFAULT_WEB_PORT, "--proxy");
  } catch (error) {
    if (error instanceof ClientError) throw new UsageError(error.message);
    throw error;
  }
}

/** Logged in: the credentials and the proxy they are for. */
export interface Login {
  credentials: Credentials;
  webProxy: HostPort;
  /** Undefined with -i: the profile knows it, an identity file does not. */
  profile: Profile | undefined;
  insecure: boolean;
}

async function identityLogin(path: string, globals: TshGlobals): Promise<Login> {
  if (globals.proxy === undefined) {
    throw new UsageError(
      "-i needs --proxy=HOST:PORT: an identity file does not say where the cluster's proxy is",
    );
  }
  const webProxy = proxyArg(globals.proxy);
  let loaded;
  try {
    loaded = await loadIdentityFile(path);
  } catch (error) {
    if (error instanceof IdentityLoadError) throw new ClientError(error.message);
    throw error;
  }
  const { file } = loaded;
  const credentials = readCredentials(
    {
      privateKey: file.privateKey,
      sshCertificate: file.sshCertificate,
      tlsCertificatePem: file.tlsCertificatePem,
      tlsCaPems: file.tlsCaCertificatesPem,
      sshHostCaLines: file.sshCaLines,
    },
    `identity file ${path}`,
    "identity-file",
  );
  return { credentials, webProxy, profile: undefined, insecure: globals.insecure };
}

/** The current profile (or the one of --proxy); undefined when there is none. */
export function currentProfile(globals: TshGlobals, home = tshHome()): Profile | undefined {
  const name =
    globals.proxy !== undefined ? proxyArg(globals.proxy).host : currentProfileName(home);
  return name === undefined ? undefined : loadProfile(home, name);
}

/** The credentials to use: -i FILE, else the profile; throws NotLoggedInError without either. */
export async function requireLogin(command: Command): Promise<Login> {
  const globals = globalsOf(command);
  if (globals.identity !== undefined) return identityLogin(globals.identity, globals);
  const profile = currentProfile(globals);
  if (profile === undefined) throw new NotLoggedInError();
  return {
    credentials: profileCredentials(profile),
    // Profiles are named by host, as in Teleport: --proxy may still name another port.
    webProxy: globals.proxy !== undefined ? proxyArg(globals.proxy) : profile.webProxy,
    profile,
    insecure: globals.insecure,
  };
}

/** True when tsh has credentials to use (without reading them). */
export function hasLogin(command: Command): boolean {
  const globals = globalsOf(command);
  return globals.identity !== undefined || currentProfile(globals) !== undefined;
}

/** The SSH proxy: from the profile, else asked of the proxy's web API. */
export async function sshProxyOf(login: Login): Promise<HostPort> {
  if (login.profile !== undefined) return login.profile.sshProxy;
  const ping = await new WebApi({ proxy: login.webProxy, insecure: login.insecure }).ping();
  return sshProxyAddr(login.webProxy, ping.proxy.ssh);
}
