import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatAddress } from "../../src/bpf/address.js";
import {
  decodeBatch,
  decodeRecord,
  RecordDecodeError,
  RECORD_F_ARGS_TRUNCATED,
  type KernelRecord,
} from "../../src/bpf/records.js";

interface HeaderFields {
  kind: number;
  sessionKey?: bigint;
  pid?: number;
  ppid?: number;
  comm?: string;
}

/** Builds a record the way the kernel side lays it out (native/bpf/common.h), by hand. */
function record(h: HeaderFields, fixed: Buffer, ...tail: Buffer[]): Buffer {
  const head = Buffer.alloc(56);
  const size = 56 + fixed.length + tail.reduce((n, b) => n + b.length, 0);
  head.writeUInt32LE(h.kind, 0);
  head.writeUInt32LE(size, 4);
  head.writeBigUInt64LE(h.sessionKey ?? 7n, 8);
  head.writeBigUInt64LE(2360n, 16);
  head.writeBigUInt64LE(123456789n, 24);
  head.writeUInt32LE(h.pid ?? 5007, 32);
  head.writeUInt32LE(h.ppid ?? 4985, 36);
  head.write(h.comm ?? "curl", 40, "utf8");
  return Buffer.concat([head, fixed, ...tail]);
}

function execRecord(path: string, args: string, returnCode = 0, flags = 0): Buffer {
  const fixed = Buffer.alloc(16);
  fixed.writeInt32LE(returnCode, 0);
  fixed.writeUInt32LE(flags, 4);
  fixed.writeUInt32LE(Buffer.byteLength(path), 8);
  fixed.writeUInt32LE(Buffer.byteLength(args), 12);
  return record({ kind: 1 }, fixed, Buffer.from(path), Buffer.from(args));
}

function connectRecord(family: number, saddr: number[], daddr: number[], dport: number): Buffer {
  const fixed = Buffer.alloc(40);
  fixed.writeUInt16LE(family, 0);
  fixed.writeUInt16LE(dport, 2);
  Buffer.from(saddr).copy(fixed, 8);
  Buffer.from(daddr).copy(fixed, 24);
  return record({ kind: 3 }, fixed);
}

describe("kernel record decoders", () => {
  it("decodes an exec record: header, path, and the argument block split on NUL", () => {
    const decoded = decodeRecord(execRecord("/bin/curl", "curl\0https://wttr.in\0"));
    assert.deepEqual(decoded, {
      kind: "exec",
      sessionKey: 7n,
      cgroupId: 2360n,
      ktimeNs: 123456789n,
      pid: 5007,
      ppid: 4985,
      comm: "curl",
      returnCode: 0,
      path: "/bin/curl",
      argv: ["curl", "https://wttr.in"],
      pathTruncated: false,
      pathUnreadable: false,
      argsTruncated: false,
      argsUnreadable: false,
    });
  });

  it("keeps empty arguments and a last argument cut short by truncation", () => {
    const decoded = decodeRecord(
      execRecord("/bin/echo", "echo\0\0a b\0partial", 0, RECORD_F_ARGS_TRUNCATED),
    );
    assert.equal(decoded.kind, "exec");
    if (decoded.kind !== "exec") return;
    assert.deepEqual(decoded.argv, ["echo", "", "a b", "partial"]);
    assert.equal(decoded.argsTruncated, true);
  });

  it("decodes a failed exec's negative return code", () => {
    const decoded = decodeRecord(execRecord("/nonexistent/cmd", "/nonexistent/cmd\0", -2));
    assert.equal(decoded.kind === "exec" && decoded.returnCode, -2);
  });

  it("decodes an open record", () => {
    const fixed = Buffer.alloc(16);
    fixed.writeInt32LE(-13, 0);
    fixed.writeInt32LE(0o1101, 4);
    fixed.writeUInt32LE(11, 8);
    const decoded = decodeRecord(
      record({ kind: 2, comm: "cat" }, fixed, Buffer.from("/etc/shadow")),
    );
    assert.deepEqual(
      { ...decoded, ktimeNs: 0n },
      {
        kind: "open",
        sessionKey: 7n,
        cgroupId: 2360n,
        ktimeNs: 0n,
        pid: 5007,
        ppid: 4985,
        comm: "cat",
        returnCode: -13,
        flags: 0o1101,
        path: "/etc/shadow",
        pathTruncated: false,
        pathUnreadable: false,
      },
    );
  });

  it("decodes IPv4 and IPv6 connect records", () => {
    const v4 = decodeRecord(connectRecord(2, [172, 31, 34, 128], [5, 9, 243, 187], 443));
    assert.ok(v4.kind === "connect");
    assert.deepEqual(
      [v4.version, v4.srcAddr, v4.dstAddr, v4.dstPort],
      [4, "172.31.34.128", "5.9.243.187", 443],
    );
    const loop = [...Array(15).fill(0), 1];
    const v6 = decodeRecord(connectRecord(10, loop, loop, 8080));
    assert.ok(v6.kind === "connect");
    assert.deepEqual([v6.version, v6.srcAddr, v6.dstAddr, v6.dstPort], [6, "::1", "::1", 8080]);
  });

  it("refuses malformed records with an error that says what is wrong", () => {
    assert.throws(
      () => decodeRecord(Buffer.alloc(10)),
      /record of 10 bytes is shorter than its 56-byte header/,
    );
    assert.throws(
      () => decodeRecord(record({ kind: 9 }, Buffer.alloc(40))),
      /record of unknown kind 9/,
    );
    const lying = execRecord("/bin/ls", "ls\0");
    lying.writeUInt32LE(5000, 68);
    assert.throws(() => decodeRecord(lying), /says it has 5000 bytes at offset 79/);
    assert.throws(
      () => decodeRecord(connectRecord(1, [], [], 1)),
      (err: unknown) =>
        err instanceof RecordDecodeError &&
        err.kind === 3 &&
        /unknown address family 1/.test(err.message),
    );
  });
});

describe("batches", () => {
  it("walks concatenated records and reports a bad one without losing the others", () => {
    const bad = record({ kind: 9 }, Buffer.alloc(8));
    const batch = Buffer.concat([
      execRecord("/bin/ls", "ls\0"),
      bad,
      execRecord("/bin/id", "id\0"),
    ]);
    const records: KernelRecord[] = [];
    const errors: RecordDecodeError[] = [];
    decodeBatch(batch, { record: (r) => records.push(r), error: (e) => errors.push(e) });
    assert.deepEqual(
      records.map((r) => r.kind === "exec" && r.path),
      ["/bin/ls", "/bin/id"],
    );
    assert.deepEqual(
      errors.map((e) => e.message),
      ["record of unknown kind 9"],
    );
  });

  it("stops at a record whose size cannot be framed, and says so", () => {
    const first = execRecord("/bin/ls", "ls\0");
    const second = execRecord("/bin/id", "id\0");
    second.writeUInt32LE(9999, 4);
    const errors: string[] = [];
    let count = 0;
    decodeBatch(Buffer.concat([first, second]), {
      record: () => count++,
      error: (e) => errors.push(e.message),
    });
    assert.equal(count, 1);
    assert.deepEqual(errors, [
      `record of kind 1 at offset ${first.length} claims 9999 bytes; ${second.length} remain in the batch`,
    ]);
  });
});

describe("formatAddress", () => {
  const v6 = (hex: string): Uint8Array => Buffer.from(hex.replace(/:/g, ""), "hex");
  it("writes IPv6 in RFC 5952 form", () => {
    assert.equal(
      formatAddress(v6("2001:0db8:0000:0000:0000:ff00:0042:8329")),
      "2001:db8::ff00:42:8329",
    );
    assert.equal(formatAddress(v6("0000:0000:0000:0000:0000:0000:0000:0000")), "::");
    assert.equal(formatAddress(v6("2001:0db8:0000:0001:0000:0000:0000:0001")), "2001:db8:0:1::1");
    assert.equal(formatAddress(v6("2001:0db8:0000:0000:0001:0000:0000:0001")), "2001:db8::1:0:0:1");
    assert.equal(formatAddress(v6("fe80:0000:0000:0000:0000:0000:0000:0000")), "fe80::");
    assert.equal(
      formatAddress(v6("2001:0db8:0001:0001:0001:0001:0000:0001")),
      "2001:db8:1:1:1:1:0:1",
    );
    assert.equal(formatAddress(v6("0000:0000:0000:0000:0000:ffff:7f00:0001")), "::ffff:127.0.0.1");
  });
  it("rejects other lengths", () => {
    assert.throws(() => formatAddress(new Uint8Array(5)), /4 or 16 bytes, got 5/);
  });
});
