import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canonicalJson } from "../../src/events/index.js";

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops undefined members, like JSON.stringify", () => {
    const value = {
      b: 1,
      a: [3, undefined, { z: "x\n", y: undefined, c: { e: 1, d: 2 } }],
      u: undefined,
    };
    assert.equal(canonicalJson(value), '{"a":[3,null,{"c":{"d":2,"e":1},"z":"x\\n"}],"b":1}');
  });

  it("keeps an already sorted object's text unchanged", () => {
    const sorted = { argv: ["a"], code: "T4000I", event: "session.command", lost: { kernel: 1 } };
    assert.equal(canonicalJson(sorted), JSON.stringify(sorted));
  });

  it('orders keys like "10" and "2" by code unit, as Go sorts map keys', () => {
    assert.equal(canonicalJson({ b: 0, "2": 2, "10": 10 }), '{"10":10,"2":2,"b":0}');
  });

  it("uses toJSON as JSON.stringify does", () => {
    assert.equal(canonicalJson({ at: new Date(0) }), '{"at":"1970-01-01T00:00:00.000Z"}');
  });

  it("writes what JSON.stringify writes for values that are not objects", () => {
    for (const value of [1, "s", true, null, [1, "a"], NaN]) {
      assert.equal(canonicalJson(value), JSON.stringify(value));
    }
    assert.equal(canonicalJson(undefined), "null");
  });
});
