// A local HTTP listener for a session's program to connect to (the guide's curl): it answers
// every request with the same body and counts them.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface HttpListener {
  port: number;
  /** Requests answered so far. */
  readonly requests: number;
  close(): Promise<void>;
}

export async function startHttpListener(body: string): Promise<HttpListener> {
  let requests = 0;
  const server = createServer((_req, res) => {
    requests += 1;
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get requests() {
      return requests;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
