import assert from "node:assert/strict";
import { closeSync, openSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { decodeCursor, encodeCursor } from "../../src/events/file-log/cursor.js";
import { AuditLogCursorError, AuditLogQueryError } from "../../src/events/file-log/errors.js";
import { fnv1a } from "../../src/events/file-log/hash.js";
import {
  DayIndex,
  extendIndex,
  LINE_DAMAGED,
  LINE_EMPTY,
  LINE_EVENT,
} from "../../src/events/file-log/line-index.js";
import { queryFingerprint, validateQuery } from "../../src/events/file-log/query.js";
import { loadSidecar, saveSidecar } from "../../src/events/file-log/sidecar.js";
import { timeKey } from "../../src/events/file-log/time-key.js";
import { tempDir } from "../helpers/tmp.js";

const line = (time: string, extra: Record<string, unknown> = {}): string =>
  JSON.stringify({ event: "session.join", code: "T2001I", time, uid: "u", sid: "s", ...extra });

async function indexOf(path: string): Promise<DayIndex> {
  const index = new DayIndex(statSync(path, { bigint: true }).ino);
  await extend(index, path);
  return index;
}

async function extend(index: DayIndex, path: string): Promise<void> {
  const fd = openSync(path, "r");
  try {
    await extendIndex(index, fd, statSync(path).size);
  } finally {
    closeSync(fd);
  }
}

describe("timeKey", () => {
  it("keeps sub-millisecond digits as a fraction, so same-millisecond times still sort", () => {
    const ms = Date.parse("2023-07-04T16:42:20.540Z");
    assert.equal(timeKey("2023-07-04T16:42:20.54Z"), ms);
    assert.ok(timeKey("2023-07-04T16:42:20.540001Z") > ms);
    assert.ok(timeKey("2023-07-04T16:42:20.540001Z") < timeKey("2023-07-04T16:42:20.540002Z"));
    assert.equal(timeKey("2023-07-04T18:42:20.54+02:00"), ms);
    assert.ok(Number.isNaN(timeKey("yesterday")));
  });
});

describe("DayIndex", () => {
  it("indexes complete lines only, sorts by (time, offset), and records damage", async () => {
    const path = join(tempDir(), "day.log");
    const lines = [
      line("2024-01-01T00:00:02Z", { n: 0 }),
      "{garbage",
      "",
      line("2024-01-01T00:00:01Z", { n: 1 }),
      line("2024-01-01T00:00:02Z", { n: 2 }),
      '{"event":"x"}',
    ];
    writeFileSync(path, `${lines.join("\n")}\n${line("2024-01-01T00:00:00Z").slice(0, 10)}`);
    const index = await indexOf(path);
    assert.equal(index.count, 6);
    assert.deepEqual(
      [...index.kinds.subarray(0, 6)],
      [LINE_EVENT, LINE_DAMAGED, LINE_EMPTY, LINE_EVENT, LINE_EVENT, LINE_DAMAGED],
    );
    assert.equal(index.covered, Buffer.byteLength(`${lines.join("\n")}\n`), "torn tail left out");
    assert.deepEqual([...index.order()], [3, 0, 4], "by time, ties in file order");
    assert.match(index.damage.get(1) ?? "", /^not JSON/);
    assert.equal(index.damage.get(5), 'no valid "time"');
    assert.equal(index.hashes.sid[0], fnv1a("s"));
  });

  it("is extended from where it stopped when the file grows", async () => {
    const path = join(tempDir(), "day.log");
    const first = `${line("2024-01-01T00:00:01Z")}\n`;
    writeFileSync(path, first);
    const index = await indexOf(path);
    writeFileSync(path, `${first}${line("2024-01-01T00:00:03Z")}\n`);
    await extend(index, path);
    assert.equal(index.count, 2);
    assert.equal(index.offsets[1], Buffer.byteLength(first));
  });

  it("is saved beside the file and loaded back only for the same inode and a file not shorter", async () => {
    const dir = tempDir();
    const path = join(dir, "day.log");
    writeFileSync(path, `${line("2024-01-01T00:00:01Z")}\nnope\n${line("2024-01-01T00:00:00Z")}\n`);
    const index = await indexOf(path);
    const sidecar = join(dir, "day.idx");
    await saveSidecar(sidecar, index);
    const { size } = statSync(path);
    const loaded = loadSidecar(sidecar, index.ino, size);
    assert.ok(loaded);
    assert.equal(loaded.count, 3);
    assert.equal(loaded.covered, index.covered);
    assert.deepEqual([...loaded.order()], [...index.order()]);
    assert.deepEqual([...loaded.damage], [...index.damage]);
    assert.deepEqual(
      [...loaded.hashes.event.subarray(0, 3)],
      [...index.hashes.event.subarray(0, 3)],
    );
    assert.equal(loadSidecar(sidecar, index.ino + 1n, size), undefined, "other inode");
    assert.equal(loadSidecar(sidecar, index.ino, size - 1), undefined, "file shrank");
    writeFileSync(sidecar, "garbage");
    assert.equal(loadSidecar(sidecar, index.ino, size), undefined, "damaged sidecar");
  });
});

describe("search query and cursor", () => {
  const from = new Date("2024-01-01T00:00:00Z");
  const to = new Date("2024-01-02T00:00:00Z");

  it("defaults limit to 100 and order to asc", () => {
    const query = validateQuery({ from, to });
    assert.equal(query.limit, 100);
    assert.equal(query.order, "asc");
  });

  it("names the query field at fault", () => {
    const field = (query: Parameters<typeof validateQuery>[0]): string => {
      try {
        validateQuery(query);
      } catch (err) {
        assert.ok(err instanceof AuditLogQueryError);
        return err.field;
      }
      return "";
    };
    assert.equal(field({ from, to, limit: 10_001 }), "limit");
    assert.equal(field({ from, to, limit: 0 }), "limit");
    assert.equal(field({ from: to, to: from }), "to");
    assert.equal(field({ from: new Date("nope"), to }), "from");
    assert.equal(field({ from, to, eventTypes: [] }), "eventTypes");
    assert.equal(field({ from, to, sid: "" }), "sid");
    assert.throws(() => validateQuery({ from, to, limit: 20_000 }), /limit: .*1 to 10000/);
  });

  it("a cursor works only for the query that made it", () => {
    const fingerprint = queryFingerprint(validateQuery({ from, to, sid: "a" }));
    const position = {
      day: "2024-01-01",
      time: Date.parse("2024-01-01T05:00:00Z") + 0.25,
      offset: 42,
    };
    const cursor = encodeCursor(position, fingerprint);
    assert.deepEqual(decodeCursor(cursor, fingerprint), position);
    const samePage = queryFingerprint(validateQuery({ from, to, sid: "a", limit: 7, cursor }));
    assert.equal(samePage, fingerprint, "limit and cursor are not part of the query");
    const other = queryFingerprint(validateQuery({ from, to, sid: "b" }));
    assert.throws(() => decodeCursor(cursor, other), AuditLogCursorError);
    assert.throws(() => decodeCursor(cursor, other), /different query/);
    assert.throws(() => decodeCursor("not-a-cursor", fingerprint), /damaged/);
  });
});
