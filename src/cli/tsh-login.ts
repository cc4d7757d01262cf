// tsh login | logout | status: getting certificates from the proxy with a password (and a
// one-time code when the cluster asks for one), keeping them as the profile, and showing them.
import { userInfo } from "node:os";
import type { Command } from "commander";
import { generateSshKeyPair } from "../auth/index.js";
import {
  ClientError,
  formatHostPort,
  formatValidUntil,
  listProfiles,
  loadProfile,
  readCredentials,
  removeProfile,
  saveProfile,
  sshProxyAddr,
  tshHome,
  WebApi,
  type Credentials,
  type HostPort,
} from "../client/index.js";
import { UsageError } from "./errors.js";
import type { CliIo } from "./run.js";
import { durationArg } from "./tctl-args.js";
import {
  addClientOptions,
  currentProfile,
  globalsOf,
  proxyArg,
  requireLogin,
} from "./tsh-context.js";
import { secretReader, type SecretReader } from "./tsh-prompt.js";

/** The lines Teleport prints after login and for tsh status. */
function formatStatus(
  credentials: Credentials,
  where: { webProxy: HostPort; identityFile?: string },
  now: Date,
): string {
  const pairs: [string, string][] = [["Profile URL", `https://${formatHostPort(where.webProxy)}`]];
  if (where.identityFile !== undefined) pairs.push(["Identity file", where.identityFile]);
  pairs.push(
    ["Logged in as", credentials.user],
    ["Cluster", credentials.cluster],
    ["Roles", credentials.roles.join(", ")],
    ["Logins", credentials.logins.join(", ")],
    ["Valid until", formatValidUntil(credentials.validBefore, now)],
  );
  return pairs
    .map(
      ([label, value], index) => `${index === 0 ? ">" : " "} ${`${label}:`.padEnd(20)}${value}\n`,
    )
    .join("");
}

interface LoginOptions {
  ttl?: string;
}

/** second_factor settings under which a login may need a one-time code. */
const ASKS_FOR_OTP = new Set(["otp", "optional"]);

async function login(
  command: Command,
  options: LoginOptions,
  io: CliIo,
  reader: SecretReader,
): Promise<void> {
  const globals = globalsOf(command);
  if (globals.identity !== undefined) {
    throw new UsageError("tsh login gets new certificates: it cannot be used with -i");
  }
  const previous = currentProfile(globals);
  const webProxy = globals.proxy !== undefined ? proxyArg(globals.proxy) : previous?.webProxy;
  if (webProxy === undefined) {
    throw new UsageError("tsh login needs --proxy=HOST:PORT: the proxy's web address");
  }
  const user = globals.user ?? previous?.user ?? userInfo().username;
  const web = new WebApi({ proxy: webProxy, insecure: globals.insecure });
  const ping = await web.ping();
  let password: string;
  let otpToken: string | undefined;
  try {
    password = await reader.read(`Enter password for Teleport user ${user}:`, "password");
    if (ASKS_FOR_OTP.has(ping.auth.secondFactor)) {
      const code = (await reader.read("Enter your OTP token:", "OTP token")).trim();
      otpToken = code === "" ? undefined : code;
    }
  } finally {
    reader.close();
  }
  const keys = generateSshKeyPair();
  const certs = await web.login({
    user,
    password,
    ...(otpToken === undefined ? {} : { otpToken }),
    sshPublicKey: keys.authorizedKey,
    tlsPublicKey: keys.publicKey.export({ format: "pem", type: "spki" }).toString(),
    ...(options.ttl === undefined ? {} : { ttl: options.ttl }),
  });
  const parts = {
    privateKey: keys.privateKey,
    sshCertificate: certs.ssh_certificate,
    tlsCertificatePem: certs.tls_certificate,
    tlsCaPems: certs.tls_ca_certificates,
    sshHostCaLines: certs.ssh_host_ca_lines,
  };
  // Checked before anything is written: a broken answer must not replace a working profile.
  const credentials = readCredentials(
    parts,
    `the answer of ${formatHostPort(webProxy)}`,
    "profile",
  );
  const home = tshHome();
  saveProfile(home, {
    webProxy,
    sshProxy: sshProxyAddr(webProxy, ping.proxy.ssh),
    user: credentials.user,
    cluster: credentials.cluster,
    parts,
  });
  io.stdout(formatStatus(credentials, { webProxy }, new Date()));
}

function logout(command: Command, io: CliIo): void {
  const globals = globalsOf(command);
  if (globals.identity !== undefined) {
    throw new UsageError(
      "tsh logout deletes the profile under ~/.tsh; an identity file given with -i is yours to delete",
    );
  }
  const home = tshHome();
  if (globals.proxy !== undefined) {
    const name = proxyArg(globals.proxy).host;
    const profile = loadProfile(home, name);
    if (profile === undefined) throw new ClientError(`not logged in to proxy ${name}`);
    removeProfile(home, name);
    io.stdout(`Logged out ${profile.user} from ${name}.\n`);
    return;
  }
  const names = listProfiles(home);
  if (names.length === 0) {
    io.stdout("You are not logged in.\n");
    return;
  }
  for (const name of names) removeProfile(home, name);
  io.stdout("Logged out all users from all proxies.\n");
}

async function status(command: Command, io: CliIo): Promise<void> {
  const login = await requireLogin(command);
  const identityFile = globalsOf(command).identity;
  const where = identityFile === undefined ? {} : { identityFile };
  io.stdout(formatStatus(login.credentials, { webProxy: login.webProxy, ...where }, new Date()));
}

export function addLogin(program: Command, io: CliIo): void {
  addClientOptions(
    program
      .command("login")
      .description("Log in to a cluster and keep the certificates as the current profile.")
      .option("--ttl <duration>", "how long the certificates are valid, e.g. 8h", durationArg),
  ).action(async (options: LoginOptions, command: Command) => {
    await login(command, options, io, secretReader());
  });
  addClientOptions(
    program.command("logout").description("Delete the certificates and the profile."),
  ).action((_options: object, command: Command) => logout(command, io));
  addClientOptions(
    program.command("status").description("Show who you are logged in as, and until when."),
  ).action((_options: object, command: Command) => status(command, io));
}
