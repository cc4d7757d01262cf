// Joining without teleport.ca_pin, as the guide's node config does: like Teleport, the node then
// trusts the CA of the auth server it reaches first, and says so loudly. The server must still
// present a certificate that its own CA issued for the auth server's name.
import { X509Certificate } from "node:crypto";
import { connect, type DetailedPeerCertificate } from "node:tls";
import { AUTH_SERVER_NAME } from "../api/index.js";
import { caPin } from "../ca/index.js";
import { AuthTlsError, AuthUnreachableError } from "./errors.js";
import { checkPinnedServer } from "./pin.js";
import { splitAddr } from "./transport.js";

/** The CA pin of the auth server at `addr`, taken on first use. */
export function discoverCaPin(addr: string, timeoutMs = 10_000): Promise<string> {
  const { host, port } = splitAddr(addr);
  return new Promise((resolve, reject) => {
    const socket = connect({
      host,
      port,
      servername: AUTH_SERVER_NAME,
      rejectUnauthorized: false,
      minVersion: "TLSv1.2",
    });
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      reject(new AuthUnreachableError(addr, `no TLS handshake within ${timeoutMs} ms`));
    });
    socket.once("error", (err) => reject(new AuthUnreachableError(addr, err.message)));
    socket.once("secureConnect", () => {
      let peer: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
      let root: X509Certificate | undefined;
      const seen = new Set<string>();
      while (peer?.raw !== undefined && !seen.has(peer.fingerprint256)) {
        seen.add(peer.fingerprint256);
        const cert = new X509Certificate(peer.raw);
        if (cert.ca) root = cert;
        peer = peer.issuerCertificate;
      }
      if (root === undefined) {
        socket.destroy();
        reject(
          new AuthTlsError(
            `the server at ${addr} sent no CA certificate: it is not a Teleport auth server`,
          ),
        );
        return;
      }
      const pin = caPin(root.toString());
      // The same checks as a pinned join, against the pin just taken.
      const problem = checkPinnedServer(socket, [pin], new Date());
      socket.destroy();
      if (problem !== undefined) {
        reject(new AuthTlsError(`the server at ${addr} is not trusted: ${problem}`));
      } else resolve(pin);
    });
  });
}
