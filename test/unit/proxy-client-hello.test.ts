// The proxy routes a connection by the server name in its TLS ClientHello, read before any TLS
// is terminated: real ClientHellos from Node's TLS client, cut at every length, and non-TLS bytes.
import assert from "node:assert/strict";
import { createServer, type AddressInfo } from "node:net";
import { describe, it } from "node:test";
import { connect } from "node:tls";
import { readClientHello } from "../../src/proxy/index.js";

/** The first bytes a TLS client sends, captured by a plain TCP server. */
async function captureClientHello(servername: string | undefined): Promise<Buffer> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const captured = new Promise<Buffer>((resolve) =>
    server.once("connection", (socket) => {
      socket.once("data", (data: Buffer) => {
        resolve(data);
        socket.destroy();
      });
    }),
  );
  const client = connect({ host: "127.0.0.1", port, ...(servername ? { servername } : {}) });
  client.on("error", () => undefined);
  const hello = await captured;
  client.destroy();
  server.close();
  return hello;
}

describe("readClientHello", () => {
  it("reads the server name of a real ClientHello", async () => {
    const hello = await captureClientHello("teleport.cluster.local");
    assert.deepEqual(readClientHello(hello), {
      status: "ok",
      serverName: "teleport.cluster.local",
    });
  });

  it("says there is none when the client sent no server name (a bare IP address)", async () => {
    const hello = await captureClientHello(undefined);
    assert.deepEqual(readClientHello(hello), { status: "ok", serverName: undefined });
  });

  it("asks for more bytes until the whole ClientHello is there", async () => {
    const hello = await captureClientHello("proxy.example.com");
    for (let length = 0; length < hello.length; length += 1) {
      assert.deepEqual(
        readClientHello(hello.subarray(0, length)),
        { status: "incomplete" },
        `${length}`,
      );
    }
  });

  it("refuses what is not a TLS handshake", () => {
    const http = readClientHello(Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    assert.equal(http.status, "not-tls");
    // A handshake record whose message is not a ClientHello (a ServerHello, type 2).
    const serverHello = Buffer.from([22, 3, 3, 0, 4, 2, 0, 0, 0]);
    assert.equal(readClientHello(serverHello).status, "not-tls");
    // A ClientHello announcing an absurd length.
    const huge = Buffer.from([22, 3, 1, 0, 4, 1, 0xff, 0xff, 0xff]);
    assert.equal(readClientHello(huge).status, "not-tls");
  });
});
