import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { gunzipMembers, GzipDamage } from "../../src/recording/gzip-members.js";
import { tempDir } from "../helpers/tmp.js";

async function read(path: string): Promise<{ data: string[]; damage?: GzipDamage }> {
  const data: string[] = [];
  try {
    for await (const chunk of gunzipMembers(path, 16)) data.push(chunk.toString());
  } catch (err) {
    if (err instanceof GzipDamage) return { data, damage: err };
    throw err;
  }
  return { data };
}

describe("gzip members", () => {
  const dir = tempDir("recording-gzip-");
  const one = gzipSync("first member\n");
  const two = gzipSync("second member\n".repeat(50));
  const file = (name: string, content: Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it("reads concatenated members one by one (small read blocks)", async () => {
    const result = await read(file("ok.gz", Buffer.concat([one, two])));
    assert.deepEqual(result.data, ["first member\n", "second member\n".repeat(50)]);
    assert.equal(result.damage, undefined);
  });

  it("reads an empty file as no data", async () => {
    assert.deepEqual(await read(file("empty.gz", Buffer.alloc(0))), { data: [] });
  });

  it("returns the members before a cut-off one, then what the cut one held, then truncated", async () => {
    const cut = two.subarray(0, two.length - 4);
    const result = await read(file("cut.gz", Buffer.concat([one, cut])));
    assert.equal(result.data[0], "first member\n");
    assert.ok(result.data.slice(1).join("").startsWith("second member\n"));
    assert.equal(result.damage?.kind, "truncated");
    assert.equal(result.damage.offset, one.length);
  });

  it("stops at a member that fails its CRC, keeping the members before it", async () => {
    const bad = Buffer.from(two);
    bad.writeUInt32LE(bad.readUInt32LE(bad.length - 8) ^ 1, bad.length - 8);
    const result = await read(file("crc.gz", Buffer.concat([one, bad, one])));
    assert.deepEqual(result.data, ["first member\n"]);
    assert.equal(result.damage?.kind, "corrupt");
    assert.match(result.damage.message, /CRC/);
  });

  it("reports bytes after the last member that are not gzip as corrupt", async () => {
    const result = await read(file("junk.gz", Buffer.concat([one, Buffer.from("junk")])));
    assert.deepEqual(result.data, ["first member\n"]);
    assert.equal(result.damage?.kind, "corrupt");
  });
});
