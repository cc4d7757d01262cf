// One SSH session on a node with this process's terminal: a command or a shell, with a PTY when
// asked (raw mode while it runs, window changes passed on SIGWINCH), standard streams relayed,
// and the remote exit code returned.
import type { Client as SshClient, ClientChannel, PseudoTtyOptions } from "ssh2";

export interface SessionOptions {
  /** Undefined: an interactive shell. */
  command: string | undefined;
  pty: boolean;
  /** $TERM for the PTY. */
  term: string;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Exit code when the session ended without an exit status (OpenSSH's 255). */
export const NO_EXIT_STATUS = 255;

function windowOf(stdout: NodeJS.WriteStream, term: string): PseudoTtyOptions {
  const tty = stdout.isTTY;
  return {
    term,
    cols: tty ? stdout.columns : 80,
    rows: tty ? stdout.rows : 24,
    width: 0,
    height: 0,
  };
}

function open(client: SshClient, options: SessionOptions): Promise<ClientChannel> {
  const window = options.pty ? windowOf(options.stdout, options.term) : undefined;
  return new Promise((resolve, reject) => {
    const done = (error: Error | undefined, channel: ClientChannel): void =>
      error ? reject(error) : resolve(channel);
    if (options.command === undefined) client.shell(window ?? false, done);
    else client.exec(options.command, window === undefined ? {} : { pty: window }, done);
  });
}

/** Runs the session to its end; resolves with the remote exit code. */
export async function runSession(client: SshClient, options: SessionOptions): Promise<number> {
  const { stdin, stdout, stderr } = options;
  const channel = await open(client, options);
  const raw = options.pty && stdin.isTTY;
  if (raw) stdin.setRawMode(true);
  const onResize = (): void => channel.setWindow(stdout.rows, stdout.columns, 0, 0);
  if (options.pty && stdout.isTTY) process.on("SIGWINCH", onResize);
  let code = NO_EXIT_STATUS;
  try {
    return await new Promise<number>((resolve) => {
      channel.on("exit", (status: number | null) => {
        if (typeof status === "number") code = status;
      });
      channel.on("data", (data: Buffer) => stdout.write(data));
      channel.stderr.on("data", (data: Buffer) => stderr.write(data));
      channel.on("close", () => resolve(code));
      stdin.pipe(channel);
    });
  } finally {
    process.removeListener("SIGWINCH", onResize);
    stdin.unpipe(channel);
    if (raw) stdin.setRawMode(false);
    // Nothing more is read: a terminal or pipe left open would keep tsh from exiting.
    stdin.destroy();
  }
}
