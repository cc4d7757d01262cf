// host:port addresses as Teleport writes them, with the field's default port when left out.
import { isIPv4, isIPv6 } from "node:net";
import { quote } from "./describe.js";

export interface Address {
  /** Normalized "host:port", with IPv6 hosts in brackets: "[::1]:3025". */
  readonly addr: string;
  /** Host name or IP, without brackets. */
  readonly host: string;
  readonly port: number;
}

/** Listen addresses may leave the host out (":3022" means every interface); dial addresses may not. */
export type AddressKind = "listen" | "dial";

export type AddressResult =
  | { readonly ok: true; readonly address: Address }
  | { readonly ok: false; readonly expected: string };

const HOSTNAME = /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;
const DIGITS = /^[0-9]+$/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const BRACKETED = /^\[([^\]]*)\](?::(.*))?$/;
const ANY_HOST = "0.0.0.0";

/** What a valid address looks like, for messages: `a host:port address such as "example.com:3025"`. */
export function addressExpectation(defaultPort: number): string {
  return `a host:port address such as ${quote(`example.com:${defaultPort}`)}`;
}

export function formatAddress(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Parses "host", "host:port", "[ipv6]" or "[ipv6]:port". */
export function parseAddress(text: string, defaultPort: number, kind: AddressKind): AddressResult {
  const fail = (expected: string): AddressResult => ({ ok: false, expected });
  const scheme = SCHEME.exec(text);
  if (scheme) return fail(`a host:port address without "${scheme[1] ?? ""}://"`);

  let host: string;
  let portText: string | undefined;
  const bracketed = BRACKETED.exec(text);
  if (bracketed) {
    host = bracketed[1] ?? "";
    portText = bracketed[2];
    if (!isIPv6(host)) return fail(`an IPv6 address inside the brackets of "[host]:port"`);
  } else {
    const colons = text.split(":").length - 1;
    if (colons > 1) {
      return fail(
        `a host:port address, with IPv6 hosts in brackets such as "[::1]:${defaultPort}"`,
      );
    }
    [host = "", portText] = text.split(":");
    if (host === "" && kind === "listen") host = ANY_HOST;
    if (!HOSTNAME.test(host) && !isIPv4(host)) return fail(addressExpectation(defaultPort));
  }

  if (portText === undefined) {
    return {
      ok: true,
      address: { addr: formatAddress(host, defaultPort), host, port: defaultPort },
    };
  }
  const port = DIGITS.test(portText) ? Number(portText) : Number.NaN;
  if (!(port >= 1 && port <= 65535)) return fail(`a port from 1 to 65535 in "host:port"`);
  return { ok: true, address: { addr: formatAddress(host, port), host, port } };
}
