// Random X.509 serial numbers: 16 bytes (RFC 5280 allows up to 20), positive and without a
// leading zero byte, so the DER INTEGER is minimal and OpenSSL accepts it.

import { randomBytes } from "node:crypto";

export function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x01;
  return bytes.toString("hex");
}
