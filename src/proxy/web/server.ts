// The proxy's HTTPS server. The TLS router has already read each connection's ClientHello, so
// TLS is ended here on the stream it hands over (a TLSSocket on that stream), and the client's
// address, which such a stream cannot tell, comes along from the router.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { createSecureContext, TLSSocket } from "node:tls";

export interface WebServer {
  /** Serves a connection the TLS router hands over, from `remoteAddress`. */
  accept(stream: Duplex, remoteAddress: string): void;
  /** Stops serving: every open connection is closed. */
  close(): void;
}

export interface HttpsOptions {
  keyPem: string;
  certPem: string;
  handle(req: IncomingMessage, res: ServerResponse, remoteAddr: string): Promise<void>;
  /** Called once by close(), after the connections are gone. */
  onClose(): void;
}

export function startWebServer(options: HttpsOptions): WebServer {
  const secureContext = createSecureContext({
    key: options.keyPem,
    cert: options.certPem,
    minVersion: "TLSv1.2",
  });
  const remotes = new WeakMap<object, string>();
  const sockets = new Set<TLSSocket>();
  const http = createServer((req, res) => {
    void options.handle(req, res, remotes.get(req.socket) ?? "");
  });
  let closed = false;
  return {
    accept(stream, remoteAddress) {
      if (closed) {
        stream.destroy();
        return;
      }
      const socket = new TLSSocket(stream, {
        isServer: true,
        secureContext,
        ALPNProtocols: ["http/1.1"],
      });
      remotes.set(socket, remoteAddress);
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
      http.emit("connection", socket);
    },
    close() {
      if (closed) return;
      closed = true;
      http.close();
      for (const socket of sockets) socket.destroy();
      options.onClose();
    },
  };
}
