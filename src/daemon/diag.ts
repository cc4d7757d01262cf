import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Answers /healthz and /readyz on `teleport.diag_addr`, as Teleport's diagnostic endpoint does. */
export interface DiagServer {
  address: AddressInfo;
  setReady(ready: boolean): void;
  close(): Promise<void>;
}

export async function startDiagServer(host: string, port: number): Promise<DiagServer> {
  let ready = false;
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: object): void => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(`${JSON.stringify(body)}\n`);
    };
    if (req.url === "/healthz") return reply(200, { status: "ok" });
    if (req.url === "/readyz") {
      return ready ? reply(200, { status: "ok" }) : reply(503, { status: "starting" });
    }
    reply(404, { error: `no such endpoint ${req.url ?? ""}: try /healthz or /readyz` });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) => {
      const why = err.code === "EADDRINUSE" ? "address already in use" : err.message;
      reject(
        new Error(
          `teleport.diag_addr ${host}:${port}: ${why} (stop the other process or choose another diag_addr)`,
          { cause: err },
        ),
      );
    });
    server.listen(port, host, () => {
      resolve();
    });
  });
  return {
    address: server.address() as AddressInfo,
    setReady: (value) => {
      ready = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
