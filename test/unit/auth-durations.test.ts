import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  DurationError,
  formatGoDuration,
  formatHumanDuration,
  formatShortDuration,
  parseGoDuration,
} from "../../src/auth/tokens/index.js";

const S = 1000;
const M = 60 * S;
const H = 60 * M;

describe("Go durations", () => {
  it("parses what tctl --ttl and max_session_ttl take", () => {
    const cases: [string, number][] = [
      ["5m", 5 * M],
      ["1h30m", H + 30 * M],
      ["30s", 30 * S],
      ["24h", 24 * H],
      ["30h", 30 * H],
      ["1.5h", H + 30 * M],
      ["500ms", 500],
      ["1m30s", 90 * S],
      ["30h0m0s", 30 * H],
      ["0", 0],
    ];
    for (const [text, ms] of cases) assert.equal(parseGoDuration(text), ms, text);
  });

  it("refuses bad input, saying what is expected", () => {
    const cases: [string, string][] = [
      ["", 'invalid duration "": expected a number and a unit, such as 5m, 1h30m, 30s or 24h'],
      [
        "5",
        'invalid duration "5": expected a number and a unit at "5", such as 5m, 1h30m, 30s or 24h',
      ],
      [
        "5 minutes",
        'invalid duration "5 minutes": expected a number and a unit at "5 minutes", such as 5m, 1h30m, 30s or 24h',
      ],
      [
        "5min",
        'invalid duration "5min": unknown unit "min": use h, m, s or ms, such as 5m, 1h30m, 30s or 24h',
      ],
      [
        "3d",
        'invalid duration "3d": unknown unit "d": use h, m, s or ms, such as 5m, 1h30m, 30s or 24h',
      ],
      ["-5m", 'invalid duration "-5m": a duration cannot be negative'],
      [
        "m",
        'invalid duration "m": expected a number and a unit at "m", such as 5m, 1h30m, 30s or 24h',
      ],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => parseGoDuration(text), { name: "DurationError", message }, text);
      assert.throws(() => parseGoDuration(text), DurationError);
    }
  });

  it("formats the Go way, the short way and in English", () => {
    assert.equal(formatGoDuration(30 * H), "30h0m0s");
    assert.equal(formatGoDuration(5 * M), "5m0s");
    assert.equal(formatGoDuration(4 * M + 59 * S), "4m59s");
    assert.equal(formatGoDuration(1500), "1.5s");
    assert.equal(formatGoDuration(500), "500ms");
    assert.equal(formatGoDuration(0), "0s");
    assert.equal(formatShortDuration(H), "1h");
    assert.equal(formatShortDuration(H + 30 * M), "1h30m");
    assert.equal(formatShortDuration(30 * S), "30s");
    assert.equal(formatHumanDuration(5 * M), "5 minutes");
    assert.equal(formatHumanDuration(H), "1 hour");
    assert.equal(formatHumanDuration(M), "1 minute");
    assert.equal(formatHumanDuration(H + 30 * M), "1 hour 30 minutes");
    assert.equal(formatHumanDuration(24 * H), "24 hours");
    assert.equal(formatHumanDuration(30 * S), "30 seconds");
  });

  it("round-trips through its own formats", () => {
    for (const ms of [S, 90 * S, 5 * M, H + 30 * M, 30 * H, 1500]) {
      assert.equal(parseGoDuration(formatGoDuration(ms)), ms);
      if (ms % S === 0) assert.equal(parseGoDuration(formatShortDuration(ms)), ms);
    }
  });
});
