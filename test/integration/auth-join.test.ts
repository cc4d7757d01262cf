// POST /v1/join: a token buys a host identity; expired, revoked, unknown or wrong-role tokens
// do not; the client trusts the server only by CA pin.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { AuthClient, AuthClientError, AuthTlsError } from "../../src/auth/index.js";
import {
  parseKnownHostsCaLine,
  parseSshCertificate,
  readTlsIdentity,
  verifySshCertificate,
} from "../../src/auth/ca/index.js";
import { X509Certificate } from "node:crypto";
import * as x509 from "@peculiar/x509";
import {
  apiError,
  clientKeys,
  joinHost,
  startAuthFixture,
  type AuthFixture,
} from "./auth-fixture.js";

describe("join", () => {
  let f: AuthFixture;
  before(async () => {
    f = await startAuthFixture();
  });
  after(() => f.close());

  const request = (token: string, role: "node" | "proxy" = "node") => {
    const keys = clientKeys();
    return {
      token,
      role,
      hostname: "node-1",
      sshPublicKey: keys.ssh.authorizedKey,
      tlsPublicKey: keys.tlsPublicKeyPem,
    };
  };

  it("gives a valid token's holder a host identity that verifies and works for mutual TLS", async () => {
    const host = await joinHost(f);
    const { joined } = host;
    assert.equal(joined.clusterName, f.clusterName);
    const [hostCaLine] = joined.sshHostCaLines;
    assert.ok(hostCaLine);
    const check = verifySshCertificate(joined.sshCertificate, {
      caPublicKeys: [parseKnownHostsCaLine(hostCaLine).caPublicKey],
      now: new Date(),
      type: "host",
      principal: `node-1.${f.clusterName}`,
    });
    assert.ok(check.ok, check.ok ? "" : check.message);
    const principals = parseSshCertificate(joined.sshCertificate).principals;
    for (const name of [host.hostId, "node-1", `${host.hostId}.${f.clusterName}`, "10.0.0.5"]) {
      assert.ok(principals.includes(name), `principal ${name}`);
    }
    assert.match(joined.sshUserCaLines[0] ?? "", /^cert-authority ssh-ed25519 \S+ clustername=/);
    assert.deepEqual(readTlsIdentity(new X509Certificate(joined.tlsCertificate)), {
      commonName: host.hostId,
      organization: ["Node"],
    });

    // The TLS certificate is the node's identity from now on.
    const status = await host.client.status();
    assert.deepEqual(status.identity, { name: host.hostId, kind: "builtin", roles: ["Node"] });
    await host.client.heartbeat({
      name: "node-1",
      addr: "10.0.0.5:3022",
      labels: { env: "test" },
      version: "14.3.33",
    });
    const nodes = await f.admin.listNodes();
    const node = nodes.find((n) => n.hostId === host.hostId);
    assert.deepEqual(node?.labels, { env: "test" });
    assert.equal(node?.addr, "10.0.0.5:3022");
  });

  it("refuses an expired token with 410 and the token service's message", async () => {
    const token = await f.admin.addToken({ roles: ["node"], ttl: "1s" });
    f.clock.offset = 2000;
    try {
      const error = await apiError(() => f.client().join(request(token.token)));
      assert.equal(error.status, 410);
      assert.equal(error.code, "token_expired");
      assert.match(error.message, /the join token has expired: make a new one with tctl nodes add/);
    } finally {
      f.clock.offset = 0;
    }
  });

  it("refuses a removed token with 403", async () => {
    const token = await f.admin.addToken({ roles: ["node"], ttl: "5m" });
    await f.admin.removeToken(token.token);
    const error = await apiError(() => f.client().join(request(token.token)));
    assert.equal(error.status, 403);
    assert.match(error.message, /revoked with tctl tokens rm/);
  });

  it("refuses a node token used to join as a proxy, and an unknown token", async () => {
    const token = await f.admin.addToken({ roles: ["node"], ttl: "5m" });
    const wrongRole = await apiError(() => f.client().join(request(token.token, "proxy")));
    assert.equal(wrongRole.status, 403);
    assert.match(wrongRole.message, /token is not valid for role proxy: it allows node/);
    const unknown = await apiError(() => f.client().join(request("no-such-token-value")));
    assert.equal(unknown.status, 403);
    assert.match(unknown.message, /not known to this cluster/);
  });

  it("answers a bad body with 400 naming the field", async () => {
    const token = await f.admin.addToken({ roles: ["node"], ttl: "5m" });
    const error = await apiError(() => f.client().join({ ...request(token.token), hostname: "" }));
    assert.equal(error.status, 400);
    assert.match(error.message, /field "hostname"/);
    const badKey = await apiError(() =>
      f.client().join({ ...request(token.token), sshPublicKey: "ssh-ed25519 AAAAnotakey" }),
    );
    assert.equal(badKey.status, 400);
    assert.match(badKey.message, /field "sshPublicKey"/);
  });

  it("refuses host names and addresses that would pass as the auth server, or wildcards", async () => {
    const token = await f.admin.addToken({ roles: ["node"], ttl: "5m" });
    for (const hostname of [
      "teleport.cluster.local",
      "x.teleport.cluster.local",
      "TELEPORT.cluster.local",
    ]) {
      const error = await apiError(() => f.client().join({ ...request(token.token), hostname }));
      assert.equal(error.status, 400, hostname);
      assert.match(error.message, /field "hostname"/);
    }
    for (const addr of [
      "teleport.cluster.local:3022",
      "a.teleport.cluster.local:3022",
      "*.example.com:3022",
      "*:3022",
    ]) {
      const error = await apiError(() => f.client().join({ ...request(token.token), addr }));
      assert.equal(error.status, 400, addr);
      assert.match(error.message, /field "addr"/);
    }
    // Refused before the token was looked at: it still works.
    await f.client().join(request(token.token));
  });

  it("issues node and proxy TLS certificates for client use only", async () => {
    for (const role of ["node", "proxy"] as const) {
      const host = await joinHost(f, role, `${role}-eku`);
      const cert = new x509.X509Certificate(host.joined.tlsCertificate);
      const eku = cert.getExtension(x509.ExtendedKeyUsageExtension);
      assert.deepEqual([...(eku?.usages ?? [])], [x509.ExtendedKeyUsage.clientAuth], role);
      const names = new X509Certificate(host.joined.tlsCertificate).subjectAltName ?? "";
      assert.ok(!names.includes("*") && !names.includes("teleport.cluster.local"), names);
    }
  });

  it("trusts the server only by CA pin: a wrong pin sends nothing, no pin is refused", async () => {
    const token = await f.admin.addToken({ roles: ["node"], ttl: "5m" });
    const wrongPin = `sha256:${"0".repeat(64)}`;
    const client = new AuthClient({ addr: f.server.addr, caPin: wrongPin });
    await assert.rejects(client.join(request(token.token)), (error: unknown) => {
      assert.ok(error instanceof AuthTlsError);
      assert.match(error.message, /does not match the CA pin/);
      return true;
    });
    assert.throws(() => new AuthClient({ addr: f.server.addr }), AuthClientError);
    // The token was never sent, so it still works.
    await f.client().join(request(token.token));
  });
});
