import assert from "node:assert/strict";
import { createServer } from "node:tls";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { discoverCaPin, AuthTlsError } from "../../src/auth/client/index.js";
import { selfSignedP256Certificate } from "../../src/auth/ca/index.js";
import { startAuthFixture, type AuthFixture } from "./auth-fixture.js";

// The guide's node config has no ca_pin: the node then takes the pin of the auth server it
// reaches first (as Teleport does, with a warning), but only from a real auth server.
describe("joining without ca_pin", () => {
  let f: AuthFixture;
  before(async () => {
    f = await startAuthFixture();
  });
  after(() => f.close());

  it("takes the pin tctl status shows from the auth server", async () => {
    const status = await f.admin.status();
    assert.equal(await discoverCaPin(f.server.addr), status.caPin);
  });

  it("refuses a TLS server that is not a Teleport auth server", async () => {
    const cert = await selfSignedP256Certificate({ dnsNames: ["teleport.cluster.local"] });
    const server = createServer({ key: cert.keyPem, cert: cert.certPem }, (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    after(() => server.close());
    const { port } = server.address() as AddressInfo;
    await assert.rejects(discoverCaPin(`127.0.0.1:${port}`), AuthTlsError);
  });
});
