// tsh config's OpenSSH block and the addresses tsh derives from --proxy and the proxy's ping.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  opensshConfig,
  parseHostPort,
  proxySubsystem,
  sshProxyAddr,
} from "../../src/client/index.js";

describe("tsh config", () => {
  const config = opensshConfig({
    cluster: "example.com",
    proxyHost: "proxy.example.com",
    proxyPort: 3023,
    knownHosts: "/home/a/.tsh/known_hosts",
    identityFile: "/home/a/.tsh/keys/proxy.example.com/alice",
    certificateFile: "/home/a/.tsh/keys/proxy.example.com/alice-ssh/example.com-cert.pub",
  });

  it("prints Teleport's two Host blocks with the profile's files", () => {
    assert.equal(
      config,
      [
        "# Begin generated Teleport configuration for proxy.example.com by tsh",
        "",
        "# Common flags for all example.com hosts",
        "Host *.example.com proxy.example.com",
        '    UserKnownHostsFile "/home/a/.tsh/known_hosts"',
        '    IdentityFile "/home/a/.tsh/keys/proxy.example.com/alice"',
        '    CertificateFile "/home/a/.tsh/keys/proxy.example.com/alice-ssh/example.com-cert.pub"',
        "    HostKeyAlgorithms ssh-ed25519-cert-v01@openssh.com",
        "",
        "# Flags for all example.com hosts except the proxy",
        "Host *.example.com !proxy.example.com",
        "    Port 3022",
        '    ProxyCommand ssh -p 3023 -o "UserKnownHostsFile=/home/a/.tsh/known_hosts" ' +
          '-o "IdentityFile=/home/a/.tsh/keys/proxy.example.com/alice" ' +
          '-o "CertificateFile=/home/a/.tsh/keys/proxy.example.com/alice-ssh/example.com-cert.pub" ' +
          "-s %r@proxy.example.com proxy:%h:%p@example.com",
        "",
        "# End generated Teleport configuration",
        "",
      ].join("\n"),
    );
  });

  it("refuses a path the shell running ProxyCommand would misread", () => {
    assert.throws(
      () =>
        opensshConfig({
          cluster: "c",
          proxyHost: "p",
          proxyPort: 3023,
          knownHosts: "/home/$USER/kh",
          identityFile: "/k",
          certificateFile: "/c",
        }),
      /cannot be written into an OpenSSH config/,
    );
  });
});

describe("proxy addresses", () => {
  it("--proxy takes Teleport's web port when none is given", () => {
    assert.deepEqual(parseHostPort("proxy.example.com", 3080, "--proxy"), {
      host: "proxy.example.com",
      port: 3080,
    });
    assert.deepEqual(parseHostPort("https://127.0.0.1:8443/", 3080, "--proxy"), {
      host: "127.0.0.1",
      port: 8443,
    });
    assert.deepEqual(parseHostPort("[::1]:3080", 3080, "--proxy"), { host: "::1", port: 3080 });
    assert.throws(
      () => parseHostPort("proxy:99999", 3080, "--proxy"),
      /^ClientError: --proxy "proxy:99999" is not HOST or HOST:PORT \(e\.g\. proxy\.example\.com:3080\)$/,
    );
  });

  it("the SSH proxy is the web host with the SSH port, unless the proxy names a public address", () => {
    const web = { host: "127.0.0.1", port: 3080 };
    assert.deepEqual(
      sshProxyAddr(web, { listen_addr: "proxy.test:3023", public_addr: "proxy.test:3023" }),
      { host: "127.0.0.1", port: 3023 },
    );
    assert.deepEqual(sshProxyAddr(web, { listen_addr: "0.0.0.0:4023" }), {
      host: "127.0.0.1",
      port: 4023,
    });
    assert.deepEqual(
      sshProxyAddr(web, { listen_addr: "0.0.0.0:3023", public_addr: "ssh.example.com:443" }),
      { host: "ssh.example.com", port: 443 },
    );
  });

  it("the proxy subsystem names node, port (0: the registered one) and cluster", () => {
    assert.equal(
      proxySubsystem({ node: "node-1", port: undefined, login: "root" }, "example.com"),
      "proxy:node-1:0@example.com",
    );
    assert.equal(
      proxySubsystem({ node: "::1", port: 3022, login: "root" }, "example.com"),
      "proxy:[::1]:3022@example.com",
    );
  });
});
