// Audit events are sent to auth in requests it accepts: by count and by size.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eventBatches, MAX_EVENTS_PER_BATCH } from "../../src/auth/index.js";

const jsonBytes = (batch: readonly object[]): number =>
  Buffer.byteLength(JSON.stringify({ events: batch }));

describe("eventBatches", () => {
  it("cuts many small events at the count limit, in order", () => {
    const events = Array.from({ length: 2500 }, (_, i) => ({ ei: i }));
    const batches = eventBatches(events);
    assert.deepEqual(
      batches.map((b) => b.length),
      [MAX_EVENTS_PER_BATCH, MAX_EVENTS_PER_BATCH, 500],
    );
    assert.deepEqual(batches.flat(), events);
  });

  it("cuts large events at the size limit", () => {
    const maxBytes = 100_000;
    const events = Array.from({ length: 50 }, (_, i) => ({ ei: i, argv: ["x".repeat(9_000)] }));
    const batches = eventBatches(events, maxBytes);
    assert.ok(batches.length > 1, "more than one request");
    for (const batch of batches)
      assert.ok(jsonBytes(batch) <= maxBytes + 64, `${jsonBytes(batch)}`);
    assert.deepEqual(batches.flat(), events);
  });

  it("sends an event larger than the limit on its own, and nothing for no events", () => {
    const big = { argv: ["y".repeat(2_000)] };
    assert.deepEqual(eventBatches([{ ei: 0 }, big, { ei: 2 }], 1_000), [
      [{ ei: 0 }],
      [big],
      [{ ei: 2 }],
    ]);
    assert.deepEqual(eventBatches([]), []);
  });
});
