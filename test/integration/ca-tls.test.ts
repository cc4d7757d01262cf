// Our X.509 certificates against the real TLS stack (Node's tls over OpenSSL 3) and openssl(1):
// mutual TLS with Ed25519 certificates from our CA, and refusal of everything else.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as tls from "node:tls";
import type { AddressInfo } from "node:net";
import {
  caPin,
  createTlsCa,
  issueTlsCertificate,
  selfSignedP256Certificate,
  type IssuedTlsCertificate,
  type TlsCa,
} from "../../src/auth/ca/index.js";
import { tempDir } from "../helpers/tmp.js";

const HOUR = 3600_000;
const hasOpenssl = spawnSync("openssl", ["version"]).error === undefined;

type ClientOptions = Pick<tls.ConnectionOptions, "key" | "cert" | "maxVersion">;

interface Outcome {
  /** Whether the client got the greeting of the server that requires a valid certificate. */
  accepted: boolean;
  /** The client's CN as the accepting server saw it. */
  cn?: string;
  /** Why Node's TLS rejects the client certificate (seen by a server that only observes). */
  authorizationError?: string;
  /** The client's own error, e.g. when it does not trust the server. */
  clientError?: string;
}

let ca: TlsCa;
// `strict` refuses bad client certificates as the auth service will. Node destroys such
// sockets without reporting why, so `observer` (rejectUnauthorized: false) reports the reason.
let strict: tls.Server;
let observer: tls.Server;
const seen: { cn?: string; authorizationError?: string }[] = [];

async function listen(server: tls.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

before(async () => {
  ca = await createTlsCa({ clusterName: "example.com", now: new Date() });
  const serverCert = await issueTlsCertificate({
    ca,
    commonName: "auth",
    dnsNames: ["localhost"],
    ipAddresses: ["127.0.0.1"],
    usage: "server",
    validFor: HOUR,
  });
  const options = {
    key: serverCert.keyPem,
    cert: serverCert.certPem,
    ca: ca.certPem,
    requestCert: true,
  };
  strict = tls.createServer({ ...options, rejectUnauthorized: true }, (socket) => {
    seen.push({ cn: String(socket.getPeerCertificate().subject.CN) });
    socket.end("hello\n");
  });
  observer = tls.createServer({ ...options, rejectUnauthorized: false }, (socket) => {
    seen.push({ authorizationError: String(socket.authorizationError ?? "") });
    socket.end();
  });
  await Promise.all([listen(strict), listen(observer)]);
});

after(() => {
  strict.close();
  observer.close();
});

function port(server: tls.Server): number {
  return (server.address() as AddressInfo).port;
}

function talk(
  server: tls.Server,
  client: ClientOptions,
  trust: string,
): Promise<{ reply: string; error?: string }> {
  return new Promise((resolve) => {
    let reply = "";
    const socket = tls.connect({ host: "127.0.0.1", port: port(server), ca: trust, ...client });
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => (reply += d));
    socket.on("error", (err: Error & { code?: string }) =>
      resolve({ reply, error: `${err.code ?? ""} ${err.message}` }),
    );
    socket.on("close", () => resolve({ reply }));
  });
}

/** Connects with the given client certificate to both servers and reports what happened. */
async function connect(client: ClientOptions, trust = ca.certPem): Promise<Outcome> {
  seen.length = 0;
  const strictRun = await talk(strict, client, trust);
  const outcome: Outcome = { accepted: strictRun.reply === "hello\n" };
  if (strictRun.error !== undefined) outcome.clientError = strictRun.error;
  const cn = seen.find((e) => e.cn !== undefined)?.cn;
  if (cn !== undefined) outcome.cn = cn;
  seen.length = 0;
  await talk(observer, client, trust);
  const reason = seen[0]?.authorizationError;
  if (reason) outcome.authorizationError = reason;
  return outcome;
}

function client(issued: IssuedTlsCertificate): { key: string; cert: string } {
  assert.ok(issued.keyPem);
  return { key: issued.keyPem, cert: issued.certPem };
}

describe("mutual TLS with Ed25519 certificates", () => {
  it("accepts a client certificate from the cluster CA", async () => {
    const alice = await issueTlsCertificate({
      ca,
      commonName: "alice",
      organization: ["access"],
      usage: "client",
      validFor: HOUR,
    });
    assert.deepEqual(await connect(client(alice)), { accepted: true, cn: "alice" });
  });

  it("works over TLS 1.2 as well as 1.3", async () => {
    const alice = await issueTlsCertificate({
      ca,
      commonName: "alice",
      usage: "client",
      validFor: HOUR,
    });
    const outcome = await connect({ ...client(alice), maxVersion: "TLSv1.2" });
    assert.deepEqual(outcome, { accepted: true, cn: "alice" });
  });

  it("refuses a client certificate from another CA", async () => {
    const other = await createTlsCa({ clusterName: "evil.example.com", now: new Date() });
    const mallory = await issueTlsCertificate({
      ca: other,
      commonName: "alice",
      usage: "client",
      validFor: HOUR,
    });
    const outcome = await connect(client(mallory));
    assert.equal(outcome.accepted, false);
    // OpenSSL's "unable to verify the first certificate": no trusted issuer for it.
    assert.equal(outcome.authorizationError, "UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  });

  it("refuses an expired client certificate", async () => {
    const expired = await issueTlsCertificate({
      ca,
      commonName: "alice",
      usage: "client",
      validFor: HOUR,
      now: new Date(Date.now() - 3 * HOUR),
    });
    const outcome = await connect(client(expired));
    assert.equal(outcome.accepted, false);
    assert.equal(outcome.authorizationError, "CERT_HAS_EXPIRED");
  });

  it("refuses a client without a certificate", async () => {
    const outcome = await connect({});
    assert.equal(outcome.accepted, false);
    // OpenSSL itself fails the handshake here, and tells the client so.
    assert.match(outcome.clientError ?? "", /certificate required/);
    assert.ok(outcome.authorizationError, "the observing server must flag the missing certificate");
  });

  it("refuses a server-only certificate used as a client certificate", async () => {
    const wrong = await issueTlsCertificate({
      ca,
      commonName: "alice",
      usage: "server",
      validFor: HOUR,
    });
    const outcome = await connect(client(wrong));
    assert.equal(outcome.accepted, false);
    assert.equal(outcome.authorizationError, "INVALID_PURPOSE");
  });

  it("lets the client refuse a server whose CA it does not trust", async () => {
    const other = await createTlsCa({ clusterName: "other", now: new Date() });
    const alice = await issueTlsCertificate({
      ca,
      commonName: "alice",
      usage: "client",
      validFor: HOUR,
    });
    const outcome = await connect(client(alice), other.certPem);
    assert.equal(outcome.accepted, false);
    assert.match(
      outcome.clientError ?? "",
      /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE/,
    );
  });
});

describe("browser-facing P-256 certificate", () => {
  it("serves HTTPS-style TLS that a client trusting it accepts", async () => {
    const s = await selfSignedP256Certificate({
      dnsNames: ["localhost"],
      ipAddresses: ["127.0.0.1"],
    });
    const srv = tls.createServer({ key: s.keyPem, cert: s.certPem }, (sock) => sock.end("hi"));
    await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
    try {
      const { port: p } = srv.address() as AddressInfo;
      const got = await new Promise<string>((resolve, reject) => {
        let data = "";
        const sock = tls.connect({
          host: "127.0.0.1",
          port: p,
          ca: s.certPem,
          servername: "localhost",
        });
        sock.setEncoding("utf8");
        sock.on("data", (d: string) => (data += d));
        sock.on("error", reject);
        sock.on("close", () => resolve(data));
      });
      assert.equal(got, "hi");
    } finally {
      srv.close();
    }
  });
});

describe("openssl agrees", { skip: hasOpenssl ? false : "openssl is not installed" }, () => {
  it("on the CA pin", () => {
    const dir = tempDir("ca-tls-");
    const file = join(dir, "ca.pem");
    writeFileSync(file, ca.certPem);
    const pubkey = execFileSync("openssl", ["x509", "-in", file, "-pubkey", "-noout"]);
    const der = execFileSync("openssl", ["pkey", "-pubin", "-outform", "DER"], { input: pubkey });
    const sum = execFileSync("sha256sum", { input: der, encoding: "utf8" }).split(" ")[0];
    assert.equal(caPin(ca.certPem), `sha256:${sum}`);
  });

  it("that issued certificates chain to the CA", async () => {
    const dir = tempDir("ca-tls-");
    const leaf = await issueTlsCertificate({
      ca,
      commonName: "node",
      dnsNames: ["node.example.com"],
      usage: "both",
      validFor: HOUR,
    });
    writeFileSync(join(dir, "ca.pem"), ca.certPem);
    writeFileSync(join(dir, "leaf.pem"), leaf.certPem);
    const out = execFileSync(
      "openssl",
      ["verify", "-CAfile", join(dir, "ca.pem"), "-purpose", "sslclient", join(dir, "leaf.pem")],
      { encoding: "utf8" },
    );
    assert.match(out, /leaf\.pem: OK/);
  });
});
