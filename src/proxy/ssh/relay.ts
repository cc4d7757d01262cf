// The byte stream between a client's channel and a node's SSH port. The proxy does not look
// inside: the client runs its own SSH session with the node over it (end to end; the node
// checks the login and records the session).
import { connect, type Socket } from "node:net";
import type { ServerChannel } from "ssh2";

const DIAL_TIMEOUT_MS = 10_000;

/** A TCP connection to host:port, or an error whose message says what went wrong. */
export function dialNode(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    socket.setTimeout(DIAL_TIMEOUT_MS, () =>
      socket.destroy(new Error(`no answer within ${DIAL_TIMEOUT_MS / 1000} s`)),
    );
    socket.once("error", reject);
    socket.once("connect", () => {
      socket.setTimeout(0);
      socket.off("error", reject);
      resolve(socket);
    });
  });
}

/**
 * Copies bytes both ways (with backpressure) until either side ends. A session channel (the
 * proxy subsystem) gets exit status 0 when the node ends the stream, so `ssh -s` exits cleanly.
 */
export function relay(
  channel: ServerChannel,
  socket: Socket,
  onError: (error: Error) => void,
): void {
  socket.pipe(channel, { end: false });
  channel.pipe(socket);
  socket.on("end", () => {
    channel.exit(0);
    channel.end();
  });
  socket.on("error", (error) => {
    onError(error);
    channel.destroy();
  });
  socket.on("close", () => channel.destroy());
  channel.on("error", (error: Error) => {
    onError(error);
    socket.destroy();
  });
  channel.on("close", () => socket.destroy());
}
