import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { constants, gunzipSync, gzip, gzipSync } from "node:zlib";
import { gzipLevelFor } from "../../src/recording/compressibility.js";
import { gunzipMembers, gzipMember, GzipDamage } from "../../src/recording/gzip-members.js";
import { gzipOffThread } from "../../src/recording/offload.js";
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

describe("gzip level of a recorded block", () => {
  const MiB = 1024 * 1024;
  const text = Buffer.from(
    "total 48\ndrwxr-xr-x 2 alice alice 4096 Nov 26 10:00 src\n-rw-r--r-- 1 alice alice 812 README.md\n"
      .repeat(MiB / 80)
      .slice(0, MiB),
  );
  const random = randomBytes(MiB);
  // zlib's output for one input and level is always the same bytes, so a member shows its level.
  const member = (data: Buffer, level: number): Buffer => gzipSync(data, { level });

  it("stores random (compressed, encrypted) bytes, which deflate cannot shrink", () => {
    assert.equal(gzipLevelFor(random), constants.Z_NO_COMPRESSION);
  });

  it("deflates text, zeros, and blocks too small to judge", () => {
    assert.equal(gzipLevelFor(text), constants.Z_BEST_SPEED);
    assert.equal(gzipLevelFor(Buffer.alloc(MiB)), constants.Z_BEST_SPEED);
    assert.equal(gzipLevelFor(randomBytes(8 * 1024)), constants.Z_BEST_SPEED);
  });

  it("deflates a block that is text at its start, middle or end", () => {
    for (const at of [0, MiB / 2 - 2048, MiB - 4096]) {
      const mixed = Buffer.from(random);
      text.copy(mixed, at, 0, 4096);
      assert.equal(gzipLevelFor(mixed), constants.Z_BEST_SPEED, `text at ${at}`);
    }
  });

  it("compresses on the worker thread and in gzipMember at the chosen level", async () => {
    const [offRandom, offText] = await gzipOffThread([random, text]);
    assert.ok(offRandom && offText);
    assert.deepEqual(offRandom, member(random, constants.Z_NO_COMPRESSION));
    assert.deepEqual(offText, member(text, constants.Z_BEST_SPEED));
    // gzip() works in chunks, so its stored blocks are cut unlike gzipSync's.
    assert.deepEqual(
      await gzipMember(random),
      await promisify(gzip)(random, { level: constants.Z_NO_COMPRESSION }),
    );
    assert.deepEqual(gunzipSync(offRandom), random);
    assert.ok(offText.length < text.length / 10, "text is still compressed");
  });
});
