import { createServer } from "node:net";

/** Ports this process has handed out: the kernel may offer a closed one again at once. */
const handedOut = new Set<number>();

function kernelPick(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("no port"));
      });
    });
  });
}

/**
 * A TCP port on 127.0.0.1 that was free a moment ago (the kernel picked it), and never one this
 * process was given before: a test asking for several ports gets different ones.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await kernelPick();
    if (handedOut.has(port)) continue;
    handedOut.add(port);
    return port;
  }
}
