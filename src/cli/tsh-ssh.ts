// tsh ssh [-t|-T] [-p PORT] [-l LOGIN] [LOGIN@]NODE [COMMAND...]: a session on a node through
// the proxy, with the remote command's exit code as tsh's.
import { userInfo } from "node:os";
import { InvalidArgumentError, type Command } from "commander";
import {
  assertNotExpired,
  ClientError,
  connectThroughProxy,
  NO_EXIT_STATUS,
  runSession,
  type NodeTarget,
} from "../client/index.js";
import { CommandExit, UsageError } from "./errors.js";
import { addClientOptions, requireLogin, sshProxyOf } from "./tsh-context.js";

interface SshOptions {
  login?: string;
  port?: number;
  /** true: -t, false: -T, undefined: a PTY for a shell at a terminal. */
  tty?: boolean;
}

function portArg(value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) {
    throw new InvalidArgumentError(`expected a port number from 1 to 65535, got "${value}"`);
  }
  return port;
}

/** "[LOGIN@]NODE" with -l; the login defaults to the local user name, as in Teleport. */
export function parseSshTarget(
  text: string,
  options: { login?: string; port?: number },
  localUser: string,
): NodeTarget {
  const at = text.lastIndexOf("@");
  const node = at >= 0 ? text.slice(at + 1) : text;
  const login = options.login ?? (at >= 0 ? text.slice(0, at) : localUser);
  if (node === "") throw new UsageError(`"${text}" names no node: use [LOGIN@]NODE`);
  if (login === "") throw new UsageError(`"${text}" names no login: use [LOGIN@]NODE or -l LOGIN`);
  return { node, login, port: options.port };
}

/** Whether to ask for a PTY: -t and -T decide; else only for a shell at a terminal. */
export function wantsPty(
  tty: boolean | undefined,
  hasCommand: boolean,
  stdinIsTty: boolean,
): boolean {
  return tty ?? (!hasCommand && stdinIsTty);
}

export function addSsh(program: Command): void {
  addClientOptions(
    program
      .command("ssh")
      .description("Run a command or a shell on a node, through the proxy.")
      .argument("<[login@]node>", "the node's name, host id or address, and the login to use")
      .argument("[command...]", "command to run (default: an interactive shell)")
      .option("-l, --login <login>", "host login (default: the local user name)")
      .option("-p, --port <port>", "the node's SSH port (default: the one it registered)", portArg)
      .option("-t, --tty", "ask for a PTY even with a command")
      .option("-T, --no-tty", "never ask for a PTY")
      // Options after the node belong to the remote command (tsh ssh node ls -la).
      .passThroughOptions(),
  ).action(async (destination: string, words: string[], options: SshOptions, command: Command) => {
    const target = parseSshTarget(destination, options, userInfo().username);
    const login = await requireLogin(command);
    assertNotExpired(login.credentials);
    const sshProxy = await sshProxyOf(login);
    const connection = await connectThroughProxy(sshProxy, target, login.credentials);
    let code: number;
    try {
      const remote = words.length > 0 ? words.join(" ") : undefined;
      code = await runSession(connection.client, {
        command: remote,
        pty: wantsPty(options.tty, remote !== undefined, process.stdin.isTTY === true),
        term: process.env["TERM"] ?? "xterm",
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
      });
    } finally {
      connection.close();
    }
    const lost = connection.lost();
    if (code === NO_EXIT_STATUS && lost !== undefined) {
      throw new ClientError(`the connection to node "${target.node}" was lost: ${lost.message}`);
    }
    if (code !== 0) throw new CommandExit(code);
  });
}
