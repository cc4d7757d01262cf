// One port for everything the proxy serves over TLS (web_listen_addr, as Teleport's 3080): a
// connection whose ClientHello names the auth server (teleport.cluster.local) is passed through
// to auth unopened, so nodes joined with `proxy_server` talk mutual TLS to auth end to end; any
// other goes to the proxy's own HTTPS server.
import { connect, createServer, type Server, type Socket } from "node:net";
import { Duplex } from "node:stream";
import { AUTH_SERVER_NAME, splitAddr } from "../auth/index.js";
import type { Logger } from "../log/index.js";
import { MAX_CLIENT_HELLO_BYTES, readClientHello } from "./client-hello.js";

/** A client that has not sent its ClientHello by then is dropped. */
const HELLO_TIMEOUT_MS = 10_000;

export interface TlsRouterOptions {
  host: string;
  port: number;
  /** Where connections for the auth server go: "host:port". */
  authAddr: string;
  /** The HTTPS server: it gets every other connection, with the client's address. */
  web: { accept(stream: Duplex, remoteAddress: string): void };
  logger: Logger;
}

export interface TlsRouter {
  port: number;
  close(): Promise<void>;
}

function passThrough(client: Socket, first: Buffer, authAddr: string, logger: Logger): void {
  const upstream = connect(splitAddr(authAddr));
  upstream.setNoDelay(true);
  client.setNoDelay(true);
  upstream.write(first);
  client.pipe(upstream);
  upstream.pipe(client);
  const close = (): void => {
    client.destroy();
    upstream.destroy();
  };
  upstream.on("error", (error) => {
    logger.warn(
      { err: error, auth: authAddr },
      "The auth server cannot be reached through the proxy.",
    );
    close();
  });
  client.on("error", close);
  upstream.on("close", close);
  client.on("close", close);
}

/**
 * The socket as a stream that first gives back the bytes already read. (unshift is not enough:
 * the TLS server reads a net.Socket's handle directly and would miss them.)
 */
function replayingStream(socket: Socket, first: Buffer): Duplex {
  const stream = new Duplex({
    read: () => socket.resume(),
    write: (chunk: Buffer, _encoding, done) => socket.write(chunk, done),
    final: (done) => socket.end(done),
    destroy: (error, done) => {
      socket.destroy();
      done(error);
    },
  });
  stream.push(first);
  socket.on("data", (chunk: Buffer) => {
    if (!stream.push(chunk)) socket.pause();
  });
  socket.on("end", () => stream.push(null));
  socket.on("close", () => stream.destroy());
  return stream;
}

export async function startTlsRouter(options: TlsRouterOptions): Promise<TlsRouter> {
  const log = options.logger.child({ component: "proxy" });
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let buffered = Buffer.alloc(0);
    socket.setTimeout(HELLO_TIMEOUT_MS, () => socket.destroy());
    socket.on("error", () => socket.destroy());
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const hello = readClientHello(buffered);
      if (hello.status === "incomplete" && buffered.length <= MAX_CLIENT_HELLO_BYTES + 1024) return;
      socket.off("data", onData);
      socket.pause();
      socket.setTimeout(0);
      if (hello.status !== "ok") {
        log.debug({ remote: socket.remoteAddress }, "Dropped a connection that is not TLS.");
        socket.destroy();
        return;
      }
      if (hello.serverName === AUTH_SERVER_NAME) {
        passThrough(socket, buffered, options.authAddr, log);
        socket.resume();
        return;
      }
      options.web.accept(replayingStream(socket, buffered), socket.remoteAddress ?? "");
    };
    socket.on("data", onData);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  return {
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
