// A program in a pseudo-terminal whose last output is never lost.
//
// When the program's side of the terminal closes, Node's reader of our side sometimes ends
// before it has handed on the last output (measured: 2 runs in 300 of `printf …; exit` lost
// printf's output). So, like sshd, we hold the program's side open ourselves while it runs, and
// drain our side before node-pty drops its reader (drainBeforeDestroy).
import { closeSync, constants, openSync, readSync } from "node:fs";
import { Readable } from "node:stream";
import { spawn, type IPty } from "node-pty";

export interface PtyOptions {
  cols: number;
  rows: number;
  term: string;
  cwd: string;
  env: Record<string, string>;
}

export interface PtyExit {
  exitCode: number;
  /** The number of the signal that killed the program, if one did. */
  signal: number | undefined;
}

export interface Pty {
  readonly pid: number;
  onData(listener: (bytes: Buffer) => void): void;
  write(bytes: Buffer): void;
  /** Stops (and restarts) reading the program's output: the program blocks when the pty fills. */
  pause(): void;
  resume(): void;
  resize(cols: number, rows: number): void;
  kill(signal: string): void;
  readonly exited: Promise<PtyExit>;
}

export class PtyError extends Error {
  override name = "PtyError";
}

function slavePath(pty: IPty): string {
  // node-pty has the path at run time but leaves it out of its typings.
  const path: unknown = Reflect.get(pty, "ptsName");
  if (typeof path !== "string" || !path.startsWith("/dev/")) {
    pty.kill("SIGKILL");
    throw new PtyError(
      "node-pty did not say which terminal it opened (no ptsName); the installed node-pty is " +
        "not the version this project was built for: run `npm ci`",
    );
  }
  return path;
}

/** Reads what the master side still holds, without waiting; stops at EAGAIN or EIO. */
function readRemaining(fd: number, emit: (bytes: Buffer) => void): void {
  const buffer = Buffer.alloc(64 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buffer);
    } catch {
      return;
    }
    if (n <= 0) return;
    emit(Buffer.from(buffer.subarray(0, n)));
  }
}

/**
 * node-pty destroys its reader 200 ms after the program exits (the slave side we hold never
 * closes). Output still unread then — the reader paused because the client is slow, or a busy
 * event loop — would be lost: hand it on first, from the stream's buffer and from the terminal.
 */
function drainBeforeDestroy(pty: IPty, emit: (bytes: Buffer) => void): void {
  const socket: unknown = Reflect.get(pty, "_socket");
  const fd: unknown = Reflect.get(pty, "_fd");
  if (!(socket instanceof Readable) || typeof fd !== "number") {
    pty.kill("SIGKILL");
    throw new PtyError(
      "node-pty's internals are not the ones this project was built for (no _socket/_fd): " +
        "run `npm ci` to install the locked version",
    );
  }
  const destroy = socket.destroy.bind(socket);
  socket.destroy = (error?: Error) => {
    if (!socket.destroyed) {
      // read() hands each buffered chunk to the "data" listeners, paused or not.
      while (socket.read() !== null);
      readRemaining(fd, emit);
    }
    return destroy(error);
  };
}

export function spawnPty(file: string, args: string[], options: PtyOptions): Pty {
  const pty = spawn(file, args, {
    name: options.term,
    cols: options.cols,
    rows: options.rows,
    cwd: options.cwd,
    env: options.env,
    // Sessions are recorded byte for byte: no decoding.
    encoding: null,
  });
  // O_NOCTTY: the terminal must not become the daemon's controlling terminal.
  const slave = openSync(slavePath(pty), constants.O_RDWR | constants.O_NOCTTY);
  const listeners: ((bytes: Buffer) => void)[] = [];
  const emit = (bytes: Buffer): void => {
    for (const listener of listeners) listener(bytes);
  };
  // The typings say string; with encoding null node-pty hands over Buffers.
  pty.onData((data: string | Buffer) => emit(typeof data === "string" ? Buffer.from(data) : data));
  drainBeforeDestroy(pty, emit);
  let over = false;
  const exited = new Promise<PtyExit>((resolve) =>
    pty.onExit(({ exitCode, signal }) => {
      over = true;
      closeSync(slave);
      resolve({ exitCode, signal: signal === 0 ? undefined : signal });
    }),
  );
  return {
    pid: pty.pid,
    onData: (listener) => listeners.push(listener),
    write: (bytes) => pty.write(bytes),
    pause: () => pty.pause(),
    resume: () => pty.resume(),
    // A window change can arrive after the program ended, when node-pty's resize throws
    // (EBADF): thrown from an ssh2 handler, that would end the whole SSH connection.
    resize: (cols, rows) => {
      if (!over) pty.resize(Math.max(1, cols), Math.max(1, rows));
    },
    kill: (signal) => pty.kill(signal),
    exited,
  };
}
