// How tctl reaches the auth service: the admin identity in <data_dir>/admin.identity of the
// auth server's config (-c), an identity file (-i) and --auth-server, or (as the guide does it)
// the user's `tsh login` profile through the proxy; and the translation of the client's errors
// into messages that say what to do.
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { resolve } from "node:path";
import type { Command } from "commander";
import {
  adminIdentityPath,
  AuthApiError,
  AuthClient,
  AuthTlsError,
  AuthUnreachableError,
  IdentityLoadError,
  loadIdentityFile,
  splitAddr,
} from "../auth/index.js";
import {
  DEFAULT_CONFIG_PATH,
  DEFAULT_PORTS,
  loadConfigFile,
  type Config,
} from "../config/index.js";
import {
  assertNotExpired,
  clusterClient,
  currentProfileName,
  formatHostPort as formatProxyAddr,
  loadProfile,
  profileCredentials,
  tshHome,
} from "../client/index.js";
import { UsageError } from "./errors.js";

export interface TctlGlobals {
  config: string;
  identity?: string;
  authServer?: string;
}

export interface TctlContext {
  client: AuthClient;
  /** The address dialed. */
  authAddr: string;
  /** The config, when one was read. */
  config: Config | undefined;
  /** "the identity in /var/lib/teleport/admin.identity from -c /etc/teleport.yaml" */
  source: string;
  /** True when --auth-server chose the address (not the config). */
  authAddrFromFlag: boolean;
}

function globalsOf(command: Command): TctlGlobals {
  let root = command;
  while (root.parent !== null) root = root.parent;
  return root.opts<TctlGlobals>();
}

const WILDCARDS: Readonly<Record<string, string>> = { "0.0.0.0": "127.0.0.1", "::": "::1" };

function formatHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}

/** --auth-server as given, with Teleport's auth port when it has none. */
function normalizeAddr(text: string): string {
  const colons = text.split(":").length - 1;
  let addr = text;
  if (text.startsWith("[")) addr = /\]:\d+$/.test(text) ? text : `${text}:${DEFAULT_PORTS.auth}`;
  else if (colons === 0) addr = `${text}:${DEFAULT_PORTS.auth}`;
  else if (colons > 1) addr = `[${text}]:${DEFAULT_PORTS.auth}`;
  try {
    splitAddr(addr);
  } catch (error) {
    throw new UsageError(`--auth-server: ${(error as Error).message}`);
  }
  return addr;
}

/** Where the auth service of this config can be dialed from this host. */
function authAddrOf(config: Config): string | undefined {
  const auth = config.auth_service;
  if (auth.enabled) {
    const host = WILDCARDS[auth.listen_addr.host] ?? auth.listen_addr.host;
    return formatHostPort(host, auth.listen_addr.port);
  }
  return config.teleport.auth_server?.addr ?? config.teleport.auth_servers[0]?.addr;
}

/** The address nodes should join at: the listen address, a wildcard host replaced by this host's name. */
export function advertisedAuthAddr(context: TctlContext): string {
  const auth = context.config?.auth_service;
  if (auth?.enabled && !context.authAddrFromFlag) {
    const host = auth.listen_addr.host in WILDCARDS ? hostname() : auth.listen_addr.host;
    return formatHostPort(host, auth.listen_addr.port);
  }
  return context.authAddr;
}

function readConfig(path: string, required: boolean): Config | undefined {
  if (!existsSync(path)) {
    if (!required) return undefined;
    throw new Error(
      `${path} does not exist: tctl reads the auth server's teleport.yaml (-c FILE, default ` +
        `${DEFAULT_CONFIG_PATH}) to find its admin identity; on another host log in with ` +
        "tsh login --proxy=HOST:PORT --user=NAME, or use -i FILE --auth-server HOST:PORT",
    );
  }
  return loadConfigFile(path);
}

/**
 * The current `tsh login` profile as a tctl context, when there is one: tctl then acts as that
 * user, through the proxy (auth applies the user's roles), as in Teleport.
 */
function profileContext(): TctlContext | undefined {
  const home = tshHome();
  const name = currentProfileName(home);
  const profile = name === undefined ? undefined : loadProfile(home, name);
  if (profile === undefined) return undefined;
  const credentials = profileCredentials(profile);
  assertNotExpired(credentials);
  const authAddr = formatProxyAddr(profile.webProxy);
  return {
    client: clusterClient(profile.webProxy, credentials),
    authAddr,
    config: undefined,
    source: `the tsh profile of ${profile.user} at ${authAddr}`,
    authAddrFromFlag: false,
  };
}

function identityProblem(error: IdentityLoadError, fromConfig: string | undefined): Error {
  if (fromConfig === undefined) return new Error(error.message);
  switch (error.reason) {
    case "missing":
      return new Error(
        `no admin identity at ${error.path}: the auth service writes it when it starts; ` +
          `start teleport with auth_service enabled (is ${fromConfig} the auth server's config?), ` +
          "or on another host use -i FILE --auth-server HOST:PORT",
      );
    case "unreadable":
      return new Error(
        `${error.message} (tctl on the auth server needs the rights of the teleport service, e.g. root)`,
      );
    default:
      return new Error(
        `${error.message} (restart teleport on the auth server to write a new admin identity)`,
      );
  }
}

/** Connects tctl as the admin of this host, or as the identity given with -i. */
export async function connect(globals: TctlGlobals): Promise<TctlContext> {
  const configPath = resolve(globals.config);
  if (globals.identity === undefined && globals.authServer === undefined) {
    // No auth server's config here: a logged-in user's profile, if any.
    if (!existsSync(configPath)) {
      const fromProfile = profileContext();
      if (fromProfile !== undefined) return fromProfile;
    }
  }
  const config = readConfig(configPath, globals.identity === undefined);
  const identityPath =
    globals.identity !== undefined
      ? resolve(globals.identity)
      : adminIdentityPath(config?.teleport.data_dir ?? "");
  const configLabel = globals.identity === undefined ? `-c ${configPath}` : undefined;
  let identity;
  try {
    identity = await loadIdentityFile(identityPath);
  } catch (error) {
    if (error instanceof IdentityLoadError) throw identityProblem(error, configLabel);
    throw error;
  }
  const fromConfig = config === undefined ? undefined : authAddrOf(config);
  const authAddr =
    globals.authServer !== undefined ? normalizeAddr(globals.authServer) : fromConfig;
  if (authAddr === undefined) {
    throw new UsageError(
      "no auth server address: give --auth-server HOST:PORT (or -c the auth server's config)",
    );
  }
  const source =
    globals.identity === undefined
      ? `the identity in ${identityPath} from -c ${configPath}`
      : `the identity file ${identityPath}`;
  return {
    client: new AuthClient({ addr: authAddr, identity }),
    authAddr,
    config,
    source,
    authAddrFromFlag: globals.authServer !== undefined,
  };
}

/** Client errors as tctl reports them: what happened, and what to check. */
export function explain(error: unknown, context: TctlContext): unknown {
  if (error instanceof AuthUnreachableError) {
    return new Error(
      `cannot reach the auth service at ${error.addr}: ${error.reason}; is teleport running? ` +
        `(tctl uses ${context.source})`,
      { cause: error },
    );
  }
  if (error instanceof AuthTlsError) {
    return new Error(`${error.message} (tctl uses ${context.source})`, { cause: error });
  }
  if (error instanceof AuthApiError) {
    if (error.status === 403 && !error.message.startsWith("access denied")) {
      return new Error(`access denied: ${error.message}`, { cause: error });
    }
    if (error.status === 401) {
      return new Error(`${error.message} (tctl uses ${context.source})`, { cause: error });
    }
    return new Error(error.message, { cause: error });
  }
  return error;
}

/** Runs a command's work with a connected client, reporting client errors tctl's way. */
export async function withAuth<T>(
  command: Command,
  work: (context: TctlContext) => Promise<T>,
): Promise<T> {
  const context = await connect(globalsOf(command));
  try {
    return await work(context);
  } catch (error) {
    throw explain(error, context);
  }
}
