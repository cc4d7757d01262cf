import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { chainHash, sha256Hex } from "../../src/recording/index.js";

const sha = (text: string): string => createHash("sha256").update(text).digest("hex");

describe("recording hash chain", () => {
  it("hashes the previous hash, a newline and the canonical JSON without the hash field", () => {
    const event = { time: "2024-05-01T10:00:00Z", event: "session.start", ei: 0, hash: "ignored" };
    const expected = sha('\n{"ei":0,"event":"session.start","time":"2024-05-01T10:00:00Z"}');
    assert.equal(chainHash("", event, undefined), expected);
    const next = { event: "resize", ei: 1, size: "80:25" };
    assert.equal(
      chainHash(expected, next, undefined),
      sha(`${expected}\n{"ei":1,"event":"resize","size":"80:25"}`),
    );
  });

  it("adds the SHA-256 of the printed bytes for print events", () => {
    const bytes = Buffer.from("hello\r\n");
    const print = { event: "print", ei: 3, time: "t", bytes: 7, ms: 5, offset: 0, ci: 0 };
    const json = '{"bytes":7,"ci":0,"ei":3,"event":"print","ms":5,"offset":0,"time":"t"}';
    assert.equal(chainHash("ab", print, bytes), sha(`ab\n${json}\n${sha256Hex(bytes)}`));
    assert.notEqual(
      chainHash("ab", print, bytes),
      chainHash("ab", print, Buffer.from("hellO\r\n")),
    );
  });

  it("does not depend on key order", () => {
    const a = { event: "x", ei: 2, nested: { b: 1, a: [1, { d: 2, c: 3 }] } };
    const b = { nested: { a: [1, { c: 3, d: 2 }], b: 1 }, ei: 2, event: "x" };
    assert.equal(chainHash("p", a, undefined), chainHash("p", b, undefined));
  });

  it("refuses prints without bytes and other events with bytes", () => {
    assert.throws(() => chainHash("", { event: "print", ei: 0 }, undefined), TypeError);
    assert.throws(() => chainHash("", { event: "resize", ei: 0 }, Buffer.from("x")), TypeError);
  });
});
