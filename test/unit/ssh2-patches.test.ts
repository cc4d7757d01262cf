// patches/ssh2+<version>.patch must be in effect in node_modules/ssh2: `npm ci` applies it with
// patch-package (the postinstall script). These fail when it is not: ssh2 upgraded without
// remaking the patch, an install that skipped the postinstall (--ignore-scripts), or a patch
// that no longer applies. patch-package itself has no check mode and exits 0 on failure
// outside CI, so it cannot be relied on to notice.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import ssh2 from "ssh2";
import { generateSshKeyPair, signSshCertificate } from "../../src/auth/ca/index.js";
import {
  hostCertificateVerifier,
  hostKeyWithCertificate,
  userCertificateAuth,
} from "../../src/ssh/index.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const require = createRequire(import.meta.url);

const patches = readdirSync(join(root, "patches")).filter((f) => /^ssh2\+.*\.patch$/.test(f));

describe("the ssh2 patch", () => {
  it("is for the installed ssh2 version", () => {
    assert.equal(patches.length, 1, `expected one ssh2 patch in patches/, found ${patches}`);
    const installed = (require("ssh2/package.json") as { version: string }).version;
    assert.equal(
      patches[0],
      `ssh2+${installed}.patch`,
      `ssh2 ${installed} is installed: remake the patch for it (see patches/)`,
    );
  });

  it("is applied: every hunk is in node_modules/ssh2", () => {
    // Un-applying succeeds only if every hunk is present exactly; --check changes nothing.
    const patch = join("patches", patches[0] ?? "missing");
    const r = spawnSync("git", ["apply", "--check", "--reverse", patch], {
      cwd: root,
      encoding: "utf8",
    });
    assert.equal(r.error, undefined, `git apply could not run: ${r.error}`);
    assert.equal(
      r.status,
      0,
      `${patch} is not (fully) applied to node_modules/ssh2; run "npx patch-package":\n${r.stderr}`,
    );
  });
});

describe("the patched ssh2 at run time", () => {
  const ca = generateSshKeyPair();
  const key = generateSshKeyPair();
  const now = Date.now();
  const cert = (type: "user" | "host", principals: string[]) =>
    signSshCertificate({
      caPrivateKey: ca.privateKey,
      publicKey: key.publicKey,
      type,
      keyId: "k",
      principals,
      validAfter: new Date(now - 60_000),
      validBefore: new Date(now + 3600_000),
    });

  it("parses a certificate as the certificate, verifying with its embedded key", () => {
    // Stock ssh2 took the certificate's nonce for the public key.
    const c = cert("user", ["root"]);
    const parsed = ssh2.utils.parseKey(c.line);
    assert.ok(!(parsed instanceof Error) && !Array.isArray(parsed), String(parsed));
    assert.equal(parsed.type, "ssh-ed25519-cert-v01@openssh.com");
    assert.ok(parsed.getPublicSSH().equals(c.blob));
    const data = Buffer.from("data");
    const privateKey = ssh2.utils.parseKey(key.opensshPrivateKey);
    assert.ok(!(privateKey instanceof Error) && !Array.isArray(privateKey));
    assert.equal(parsed.verify(data, privateKey.sign(data)), true);
  });

  it("does a handshake with a host certificate and a user certificate, in process", async () => {
    const server = new ssh2.Server(
      {
        hostKeys: [
          hostKeyWithCertificate({
            privateKey: key.privateKey,
            certificate: cert("host", ["h"]).blob,
          }),
        ],
      },
      (conn) => {
        conn.on("error", () => undefined);
        conn.on("authentication", (ctx) => {
          // Only the certificate, with its signature unwrapped to the raw 64 bytes.
          const isCert =
            ctx.method === "publickey" && ctx.key.algo === "ssh-ed25519-cert-v01@openssh.com";
          if (isCert && ctx.signature !== undefined) assert.equal(ctx.signature.length, 64);
          return isCert ? ctx.accept() : ctx.reject(["publickey"]);
        });
        conn.on("ready", () => conn.end());
      },
    );
    after(() => server.close());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    assert.ok(address && typeof address === "object");

    const client = new ssh2.Client();
    const rejected: string[] = [];
    await new Promise<void>((resolve, reject) => {
      client.on("ready", () => {
        client.end();
        resolve();
      });
      client.on("error", reject);
      client.connect({
        host: "127.0.0.1",
        port: address.port,
        readyTimeout: 5000,
        ...userCertificateAuth({
          username: "root",
          privateKey: key.privateKey,
          certificate: cert("user", ["root"]).line,
        }),
        ...hostCertificateVerifier({
          hostCaKeys: [ca.publicKey],
          hostname: "h",
          onReject: (r) => rejected.push(r.message),
        }),
      });
    });
    assert.deepEqual(rejected, []);
  });
});

describe("ssh2's crypto binding", () => {
  it("is built by npm ci (allowScripts), so ciphers run natively, not in JavaScript", () => {
    // Without it ssh2 falls back to per-packet OpenSSL objects and WebAssembly poly1305: the
    // node's throughput drops by a third (bench/ssh).
    const crypto: unknown = createRequire(import.meta.url)("ssh2/lib/protocol/crypto.js");
    assert.equal(
      Reflect.get(crypto as object, "bindingAvailable"),
      true,
      "ssh2's optional binding is missing: install libssl-dev and run `npm rebuild ssh2 --foreground-scripts`",
    );
  });
});
