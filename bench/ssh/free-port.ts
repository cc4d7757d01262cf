// A TCP port on 127.0.0.1 for a server of the bench (node or sshd) to listen on.
import { createServer } from "node:net";

/** A port that was free a moment ago (the kernel picked it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address !== null && typeof address === "object") resolve(address.port);
        else reject(new Error("the kernel gave no port"));
      });
    });
  });
}
