// Key rules of the backend: the prefix range [prefix, prefixEnd(prefix)) holds exactly the keys
// that start with prefix, in SQLite's order (UTF-8 bytes, which is code point order).
import assert from "node:assert/strict";
import { test } from "node:test";
import { BackendError } from "../../src/backend/index.js";
import { checkKey, checkPrefix, expiryMs, isUnder, prefixEnd } from "../../src/backend/keys.js";

/** SQLite's BINARY collation: compare the UTF-8 bytes. */
function sqliteCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

test("prefixEnd increments the last code point", () => {
  assert.equal(prefixEnd("/users/a"), "/users/b");
  assert.equal(prefixEnd("/users/"), "/users0");
  assert.equal(prefixEnd("a%"), "a&");
  assert.equal(prefixEnd("\uffff"), "\u{10000}");
  assert.equal(prefixEnd("a\u{1F600}"), "a\u{1F601}");
  // Skips the surrogate code points, which no well-formed string holds.
  assert.equal(prefixEnd("\ud7ff"), "\ue000");
});

test("prefixEnd drops trailing U+10FFFF and has no bound for '' or only U+10FFFF", () => {
  assert.equal(prefixEnd("a\u{10FFFF}"), "b");
  assert.equal(prefixEnd("a\u{10FFFF}\u{10FFFF}"), "b");
  assert.equal(prefixEnd(""), undefined);
  assert.equal(prefixEnd("\u{10FFFF}"), undefined);
});

test("prefix <= key < prefixEnd(prefix) exactly when key starts with prefix", () => {
  // Characters around every boundary that matters: LIKE wildcards, "/", the end of the BMP
  // (where UTF-16 order and UTF-8 order differ) and astral characters.
  const alphabet = ["a", "b", "/", "%", "_", "0", "\u00e9", "\ud7ff", "\ue000", "\uffff"].concat([
    "\u{10000}",
    "\u{1F600}",
    "\u{10FFFF}",
  ]);
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  const word = (): string =>
    Array.from({ length: random(4) }, () => alphabet[random(alphabet.length)]).join("");
  for (let i = 0; i < 20_000; i++) {
    const prefix = word();
    const key = prefix.slice(0, random(prefix.length + 1)) + word();
    const end = prefixEnd(prefix);
    const inRange =
      sqliteCompare(prefix, key) <= 0 && (end === undefined || sqliteCompare(key, end) < 0);
    assert.equal(
      inRange,
      isUnder(key, prefix),
      `key ${JSON.stringify(key)} prefix ${JSON.stringify(prefix)}`,
    );
  }
});

test("checkKey refuses keys that cannot be stored faithfully", () => {
  assert.throws(() => checkKey(""), { name: "BackendError", message: /must not be empty/ });
  assert.throws(() => checkKey("/a\0b"), { name: "BackendError", message: /NUL/ });
  assert.throws(() => checkKey("/a\ud800"), { name: "BackendError", message: /well-formed/ });
  assert.throws(() => checkKey("/a\udc00b"), BackendError);
  checkKey("/users/a%_b/\u{1F600}");
  checkPrefix("");
  assert.throws(() => checkPrefix("\ud800"), BackendError);
});

test("expiryMs takes a valid Date or nothing", () => {
  assert.equal(expiryMs("/k", undefined), null);
  assert.equal(expiryMs("/k", new Date(5)), 5);
  assert.throws(() => expiryMs("/k", new Date(Number.NaN)), {
    name: "BackendError",
    message: "expires for /k is not a valid Date",
  });
});
