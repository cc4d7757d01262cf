// Mutual TLS: only certificates of this cluster's CA, valid now, get past the door; routes then
// check what the identity may do.
import assert from "node:assert/strict";
import { connect, createServer } from "node:tls";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import {
  AUTH_SERVER_NAME,
  AuthClient,
  AuthTlsError,
  loadIdentityFile,
  type ClientIdentity,
} from "../../src/auth/index.js";
import { createTlsCa, issueTlsCertificate, type TlsCa } from "../../src/auth/ca/index.js";
import {
  apiError,
  clientKeys,
  joinHost,
  startAuthFixture,
  type AuthFixture,
} from "./auth-fixture.js";

async function adminCertOf(
  ca: TlsCa,
  now: Date,
  validFor: number,
): Promise<{ keyPem: string; certPem: string }> {
  const issued = await issueTlsCertificate({
    ca,
    commonName: "admin",
    organization: ["Admin"],
    usage: "client",
    validFor,
    now,
  });
  if (issued.keyPem === undefined) throw new Error("no key");
  return { keyPem: issued.keyPem, certPem: issued.certPem };
}

/** A raw HTTP/1.1 request over TLS with the given client certificate; everything the server sent. */
function rawRequest(
  addr: { port: number },
  cert: { keyPem: string; certPem: string },
  path: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: "127.0.0.1",
      port: addr.port,
      servername: AUTH_SERVER_NAME,
      key: cert.keyPem,
      cert: cert.certPem,
      rejectUnauthorized: false,
    });
    let received = "";
    socket.on("data", (data: Buffer) => (received += data.toString()));
    socket.on("error", reject);
    socket.on("close", () => resolve(received));
    socket.on("secureConnect", () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${AUTH_SERVER_NAME}\r\nConnection: close\r\n\r\n`,
      );
    });
  });
}

describe("mutual TLS", () => {
  let f: AuthFixture;
  let token: string;
  before(async () => {
    f = await startAuthFixture();
    token = (await f.admin.addToken({ roles: ["node"], ttl: "5m" })).token;
  });
  after(() => f.close());

  const withIdentity = (identity: ClientIdentity): AuthClient => f.client(identity);

  it("refuses a client without a certificate on every route but join (401)", async () => {
    for (const call of [() => f.client().listTokens(), () => f.client().status()]) {
      const error = await apiError(call);
      assert.equal(error.status, 401);
      assert.equal(error.code, "unauthenticated");
      assert.match(error.message, /a client certificate is required/);
    }
  });

  it("refuses a certificate of another CA (401), and gives it no data", async () => {
    const foreign = await createTlsCa({ clusterName: "evil.example.com", now: new Date() });
    const cert = await adminCertOf(foreign, new Date(), 3_600_000);
    const caPems = [f.server.state.cas.tlsCa.certPem];
    const error = await apiError(() => withIdentity({ ...cert, caPems }).listTokens());
    assert.equal(error.status, 401);
    assert.match(error.message, /not issued by this cluster's certificate authority/);

    const raw = await rawRequest({ port: f.server.port }, cert, "/v1/tokens");
    assert.match(raw, /^HTTP\/1\.1 401 /);
    const body = JSON.parse(raw.slice(raw.indexOf("\r\n\r\n") + 4)) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ["error"]);
    assert.ok(!raw.includes(token), "no token in the answer");
  });

  it("refuses an expired certificate of the cluster's CA (401)", async () => {
    const hourAgo = new Date(Date.now() - 3_600_000);
    const cert = await adminCertOf(f.server.state.cas.tlsCa, hourAgo, 60_000);
    const error = await apiError(() =>
      withIdentity({ ...cert, caPems: [f.server.state.cas.tlsCa.certPem] }).listTokens(),
    );
    assert.equal(error.status, 401);
    assert.match(error.message, /the client certificate has expired/);
  });

  it("lets identities call only what they may (403 naming why)", async () => {
    const node = await joinHost(f);
    const denied = await apiError(() => node.client.listTokens());
    assert.equal(denied.status, 403);
    assert.match(denied.message, /^access denied: the Node identity may not call GET \/v1\/tokens/);
    const adminOnly = await apiError(() =>
      node.client.signCerts({ user: "x", ttl: "1h", sshPublicKey: "x", tlsPublicKey: "x" }),
    );
    assert.equal(adminOnly.status, 403);
    // The admin may not heartbeat: heartbeats are a node's.
    const notANode = await apiError(() =>
      f.admin.heartbeat({ name: "x", addr: "x:1", labels: {}, version: "1" }),
    );
    assert.equal(notANode.status, 403);
  });

  it("refuses a server presenting a certificate of the CA that is not the auth server's", async () => {
    // A node's certificate for the auth server's name (what a node could once get by joining
    // as teleport.cluster.local): right CA, right name, but no O=Auth.
    const ca = f.server.state.cas.tlsCa;
    const issued = await issueTlsCertificate({
      ca,
      commonName: "some-host-id",
      organization: ["Node"],
      dnsNames: [AUTH_SERVER_NAME],
      ipAddresses: ["127.0.0.1"],
      usage: "both",
      validFor: 3_600_000,
      now: new Date(),
    });
    if (issued.keyPem === undefined) throw new Error("no key");
    const impostor = createServer(
      { key: issued.keyPem, cert: issued.certPem + ca.certPem },
      (s) => {
        s.on("error", () => undefined);
        s.end(
          'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n{"identity":{"name":"x","kind":"builtin","roles":["Admin"]}}',
        );
      },
    );
    await new Promise<void>((resolve) => impostor.listen(0, "127.0.0.1", resolve));
    try {
      const addr = `127.0.0.1:${(impostor.address() as AddressInfo).port}`;
      const admin = await loadIdentityFile(f.server.state.adminIdentityPath);
      for (const client of [
        new AuthClient({ addr, identity: admin, timeoutMs: 3000 }),
        new AuthClient({ addr, caPin: f.server.state.caPin, timeoutMs: 3000 }),
      ]) {
        await assert.rejects(client.status(), (error: unknown) => {
          assert.ok(error instanceof AuthTlsError, String(error));
          assert.match(error.message, /does not include Auth: it is not an auth server/);
          return true;
        });
      }
      // The real auth server's certificate carries O=Auth and is still trusted both ways.
      await f.admin.status();
      const keys = clientKeys();
      await new AuthClient({ addr: f.server.addr, caPin: f.server.state.caPin }).join({
        token,
        role: "node",
        hostname: "pin-check",
        sshPublicKey: keys.ssh.authorizedKey,
        tlsPublicKey: keys.tlsPublicKeyPem,
      });
    } finally {
      impostor.close();
    }
  });

  it("answers unknown routes with 404 and bad bodies with 400 naming the field", async () => {
    const admin = await loadIdentityFile(f.server.state.adminIdentityPath);
    const missing = await rawRequest({ port: f.server.port }, admin, "/v1/nope");
    assert.match(missing, /^HTTP\/1\.1 404 /);
    assert.match(missing, /no such API route: GET \/v1\/nope/);
    const error = await apiError(() => f.admin.addToken({ roles: ["node"], ttl: "soon" }));
    assert.equal(error.status, 400);
    assert.match(error.message, /invalid duration "soon"/);
    const roles = await apiError(() =>
      f.admin.addToken({ roles: "node" as unknown as string[], ttl: "5m" }),
    );
    assert.equal(roles.status, 400);
    assert.match(roles.message, /field "roles": expected a list of roles/);
  });
});
