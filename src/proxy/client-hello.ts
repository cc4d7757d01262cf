// The server name (SNI) of a TLS ClientHello, read from the first bytes of a connection without
// terminating TLS, so the proxy can pass connections meant for the auth server through unopened
// (mutual TLS stays end to end between the node and auth).

const RECORD_HEADER = 5;
const HANDSHAKE = 22;
const CLIENT_HELLO = 1;
const SERVER_NAME_EXTENSION = 0;
const HOST_NAME = 0;
/** A ClientHello larger than this is not one we route (real ones are well under 2 KiB). */
export const MAX_CLIENT_HELLO_BYTES = 16 * 1024;

export type HelloRead =
  | { status: "incomplete" }
  | { status: "not-tls"; reason: string }
  | { status: "ok"; serverName: string | undefined };

/** The handshake bytes of the leading TLS records, or why they are not a ClientHello yet. */
function handshakeBytes(data: Buffer): Buffer | HelloRead {
  const parts: Buffer[] = [];
  let offset = 0;
  let have = 0;
  let need: number | undefined;
  while (need === undefined || have < need) {
    if (data.length < offset + RECORD_HEADER) return { status: "incomplete" };
    if (data[offset] !== HANDSHAKE) {
      return { status: "not-tls", reason: "the connection did not start with a TLS handshake" };
    }
    const length = data.readUInt16BE(offset + 3);
    if (data.length < offset + RECORD_HEADER + length) return { status: "incomplete" };
    parts.push(data.subarray(offset + RECORD_HEADER, offset + RECORD_HEADER + length));
    have += length;
    offset += RECORD_HEADER + length;
    const all = Buffer.concat(parts);
    if (need === undefined && all.length >= 4) {
      if (all[0] !== CLIENT_HELLO)
        return { status: "not-tls", reason: "the first message is not a ClientHello" };
      need = 4 + all.readUIntBE(1, 3);
      if (need > MAX_CLIENT_HELLO_BYTES) {
        return { status: "not-tls", reason: `a ClientHello of ${need} bytes is too large` };
      }
    }
  }
  return Buffer.concat(parts).subarray(4, need);
}

/** Reads the server name from the start of a connection; "incomplete" asks for more bytes. */
export function readClientHello(data: Buffer): HelloRead {
  const hello = handshakeBytes(data);
  if (!Buffer.isBuffer(hello)) return hello;
  try {
    return { status: "ok", serverName: serverNameOf(hello) };
  } catch {
    return { status: "not-tls", reason: "the ClientHello is malformed" };
  }
}

function serverNameOf(hello: Buffer): string | undefined {
  // version (2), random (32), session id, cipher suites, compression methods, then extensions.
  let p = 34;
  p += 1 + hello.readUInt8(p);
  p += 2 + hello.readUInt16BE(p);
  p += 1 + hello.readUInt8(p);
  if (p >= hello.length) return undefined;
  const end = p + 2 + hello.readUInt16BE(p);
  p += 2;
  while (p + 4 <= end) {
    const type = hello.readUInt16BE(p);
    const length = hello.readUInt16BE(p + 2);
    p += 4;
    if (type === SERVER_NAME_EXTENSION) {
      // server_name_list: length (2), then entries of type (1), length (2), name.
      let q = p + 2;
      while (q + 3 <= p + length) {
        const nameType = hello.readUInt8(q);
        const nameLength = hello.readUInt16BE(q + 1);
        if (nameType === HOST_NAME) return hello.toString("ascii", q + 3, q + 3 + nameLength);
        q += 3 + nameLength;
      }
      return undefined;
    }
    p += length;
  }
  return undefined;
}
