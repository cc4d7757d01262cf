// Which node a client of the SSH proxy means: the subsystem names OpenSSH and tsh send, and the
// choice among registered nodes by name, host id or address, port and cluster.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { NodeRecord } from "../../src/auth/index.js";
import { parseProxySubsystem, resolveTarget, type TargetRequest } from "../../src/proxy/index.js";

const CLUSTER = "example.com";

function node(hostId: string, hostname: string, addr: string): NodeRecord {
  const now = new Date();
  return { hostId, hostname, addr, labels: {}, version: "1", lastSeen: now, expires: now };
}

const nodes = [
  node("id-1", "web", "10.0.0.1:3022"),
  node("id-2", "db", "10.0.0.2:3022"),
  node("id-3", "twin", "10.0.0.3:3022"),
  node("id-4", "twin", "10.0.0.3:4022"),
  node("id-6", "v6", "[fd00::6]:3022"),
];

const request = (host: string, port?: number, cluster?: string): TargetRequest => ({
  host,
  port,
  cluster,
});

function resolvedId(target: TargetRequest): string {
  const resolution = resolveTarget(nodes, target, CLUSTER);
  return resolution.ok ? resolution.node.hostId : `error: ${resolution.message}`;
}

describe("proxy subsystem names", () => {
  it("reads host, port and cluster in the forms clients send", () => {
    const cases: [string, TargetRequest][] = [
      ["proxy:web:3022@example.com", request("web", 3022, "example.com")],
      ["proxy:web:3022", request("web", 3022)],
      ["proxy:web", request("web")],
      ["proxy:web@example.com", request("web", undefined, "example.com")],
      // tsh's port 0: the node's own port.
      ["proxy:web:0@example.com", request("web", undefined, "example.com")],
      ["proxy:[fd00::6]:3022@example.com", request("fd00::6", 3022, "example.com")],
      ["proxy:fd00::6", request("fd00::6")],
    ];
    for (const [name, expected] of cases) {
      assert.deepEqual(parseProxySubsystem(name), { ok: true, request: expected }, name);
    }
  });

  it("says what is wrong with a name it cannot use", () => {
    assert.deepEqual(parseProxySubsystem("proxy:web:http"), {
      ok: false,
      message:
        'subsystem "proxy:web:http": port "http" is not a number up to 65535: ' +
        "use proxy:HOST[:PORT][@CLUSTER]",
    });
    assert.deepEqual(parseProxySubsystem("proxy:@example.com"), {
      ok: false,
      message: 'subsystem "proxy:@example.com": no host: use proxy:HOST[:PORT][@CLUSTER]',
    });
    assert.equal(parseProxySubsystem("sftp").ok, false);
  });
});

describe("resolving a target among registered nodes", () => {
  it("finds a node by name (any case), host id or registered address", () => {
    assert.equal(resolvedId(request("web")), "id-1");
    assert.equal(resolvedId(request("WEB")), "id-1");
    assert.equal(resolvedId(request("id-2")), "id-2");
    assert.equal(resolvedId(request("10.0.0.2", 3022)), "id-2");
    assert.equal(resolvedId(request("fd00::6")), "id-6");
  });

  it("ignores a .CLUSTER suffix and a port that is not the node's (OpenSSH sends 22)", () => {
    assert.equal(resolvedId(request("web.example.com", 22)), "id-1");
    assert.equal(resolvedId(request("10.0.0.1", 22)), "id-1");
  });

  it("picks among nodes of one name by port, and asks for the host id otherwise", () => {
    assert.equal(resolvedId(request("twin", 4022)), "id-4");
    assert.equal(
      resolvedId(request("twin")),
      'error: "twin" names 2 nodes in cluster "example.com" ' +
        "(id-3 at 10.0.0.3:3022, id-4 at 10.0.0.3:4022): name one by its host id",
    );
  });

  it("refuses unknown nodes and other clusters", () => {
    const unknown = resolveTarget(nodes, request("192.0.2.1", 25), CLUSTER);
    assert.deepEqual(unknown, {
      ok: false,
      notFound: true,
      message:
        'node "192.0.2.1" not found in cluster "example.com": tsh ls lists the nodes you can reach',
    });
    assert.equal(
      resolvedId(request("web", 3022, "other.com")),
      'error: cluster "other.com" not found: this proxy serves cluster "example.com"',
    );
  });
});
