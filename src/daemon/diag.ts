import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { DaemonMetrics } from "../metrics/index.js";

/**
 * Answers /healthz, /readyz and Prometheus /metrics on `teleport.diag_addr`, as Teleport's
 * diagnostic endpoint does.
 */
export interface DiagServer {
  address: AddressInfo;
  setReady(ready: boolean): void;
  close(): Promise<void>;
}

function replyJson(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(`${JSON.stringify(body)}\n`);
}

async function replyMetrics(res: ServerResponse, metrics: DaemonMetrics): Promise<void> {
  let text: string;
  try {
    text = await metrics.render();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    replyJson(res, 500, { error: `collecting the metrics failed: ${reason}` });
    return;
  }
  res.writeHead(200, { "content-type": metrics.contentType });
  res.end(text);
}

export async function startDiagServer(
  host: string,
  port: number,
  metrics: DaemonMetrics,
): Promise<DiagServer> {
  let ready = false;
  const server: Server = createServer((req, res) => {
    // Scrapers may add a query string; only the path selects the endpoint.
    const path = (req.url ?? "").split("?", 1)[0];
    if (path === "/healthz") return replyJson(res, 200, { status: "ok" });
    if (path === "/readyz") {
      return ready
        ? replyJson(res, 200, { status: "ok" })
        : replyJson(res, 503, { status: "starting" });
    }
    if (path === "/metrics") return void replyMetrics(res, metrics);
    replyJson(res, 404, {
      error: `no such endpoint ${req.url ?? ""}: try /healthz, /readyz or /metrics`,
    });
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
