// The auth server's own TLS certificate, issued by the cluster's TLS CA at every start (the key
// never leaves memory). Clients dial it by any address and check the fixed name
// teleport.cluster.local, as Teleport's do; the other names serve tools such as curl.
import { isIP } from "node:net";
import { AUTH_SERVER_NAME } from "../api/index.js";
import { issueTlsCertificate, type TlsCa } from "../ca/index.js";

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
const DNS_NAME = /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

export interface ServerTls {
  /** The certificate, then the CA, so a client pinning the CA sees it in the chain. */
  certChainPem: string;
  keyPem: string;
  validTo: Date;
}

export interface ServerTlsOptions {
  hostname: string;
  /** The listen address's host; a wildcard (0.0.0.0, ::) adds nothing. */
  listenHost: string;
  now: Date;
}

export async function issueServerTls(ca: TlsCa, options: ServerTlsOptions): Promise<ServerTls> {
  const specific = ["0.0.0.0", "::", ""].includes(options.listenHost) ? [] : [options.listenHost];
  const candidates = [AUTH_SERVER_NAME, "localhost", options.hostname, ...specific];
  const dnsNames = [...new Set(candidates.filter((n) => isIP(n) === 0 && DNS_NAME.test(n)))];
  const ipAddresses = [...new Set(["127.0.0.1", "::1", ...specific.filter((n) => isIP(n) !== 0)])];
  const caLeft = new Date(ca.certificate.validTo).getTime() - options.now.getTime() - 60_000;
  const issued = await issueTlsCertificate({
    ca,
    commonName: AUTH_SERVER_NAME,
    organization: ["Auth"],
    dnsNames,
    ipAddresses,
    usage: "server",
    validFor: Math.min(YEAR_MS, caLeft),
    now: options.now,
  });
  if (issued.keyPem === undefined) throw new Error("issueTlsCertificate returned no key");
  return {
    certChainPem: issued.certPem + ca.certPem,
    keyPem: issued.keyPem,
    validTo: new Date(issued.certificate.validTo),
  };
}
