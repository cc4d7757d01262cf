import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  asciicastLines,
  IDLE_LIMIT_MS,
  parseSpeed,
  replay,
  replayDelays,
  screenText,
  type Timeline,
} from "../../src/recording/playback/index.js";
import { parseAsciicast } from "../helpers/asciicast.js";

const bytes = (text: string): Uint8Array => Buffer.from(text, "utf8");

function timeline(frames: Timeline["frames"], cols = 40, rows = 10): Timeline {
  return {
    sid: "s",
    start: new Date("2026-01-02T03:04:05.000Z"),
    cols,
    rows,
    env: { TERM: "xterm" },
    frames,
  };
}

describe("asciicast v2", () => {
  it("passes a strict reader: header, output, resize and a marker per command", () => {
    const t = timeline([
      { type: "output", ms: 0, data: bytes("$ ") },
      { type: "marker", ms: 1200, label: "/usr/bin/curl http://127.0.0.1:8080/" },
      { type: "output", ms: 1250, data: bytes("ok\r\n") },
      { type: "resize", ms: 2000, cols: 100, rows: 30 },
    ]);
    const cast = parseAsciicast([...asciicastLines(t)].join(""));
    assert.deepEqual(cast.header, {
      version: 2,
      width: 40,
      height: 10,
      timestamp: 1767323045,
      env: { TERM: "xterm" },
    });
    assert.deepEqual(cast.events, [
      [0, "o", "$ "],
      [1.2, "m", "/usr/bin/curl http://127.0.0.1:8080/"],
      [1.25, "o", "ok\r\n"],
      [2, "r", "100x30"],
    ]);
  });

  it("keeps a UTF-8 character split across two outputs whole", () => {
    const euro = Buffer.from("€", "utf8");
    const t = timeline([
      { type: "output", ms: 0, data: euro.subarray(0, 1) },
      { type: "output", ms: 5, data: euro.subarray(1) },
    ]);
    const cast = parseAsciicast([...asciicastLines(t)].join(""));
    assert.equal(cast.events.map((e) => e[2]).join(""), "€");
  });
});

describe("text format", () => {
  it("is the visible screen text: colours, cursor moves and backspaces resolved", async () => {
    const t = timeline([
      { type: "output", ms: 0, data: bytes("\x1b[1;31mred\x1b[0m plain\r\n") },
      { type: "output", ms: 10, data: bytes("abcd\b\bXY\r\n") },
      { type: "output", ms: 20, data: bytes("password: \x1b[8msecret\x1b[0m\r\n") },
      { type: "output", ms: 30, data: bytes("line4\x1b[1;20Hright\x1b[4;1H") },
      { type: "output", ms: 40, data: bytes("\x1b[2K") },
    ]);
    assert.equal(await screenText(t), "red plain          right\nabXY\npassword: secret\n");
  });

  it("follows resizes", async () => {
    const t = timeline(
      [
        { type: "resize", ms: 0, cols: 5, rows: 3 },
        { type: "output", ms: 1, data: bytes("abcdefgh") },
      ],
      40,
      10,
    );
    assert.equal(await screenText(t), "abcde\nfgh\n");
  });
});

describe("replay timing", () => {
  const t = timeline([
    { type: "output", ms: 100, data: bytes("a") },
    { type: "output", ms: 5100, data: bytes("b") },
    { type: "output", ms: 5300, data: bytes("c") },
  ]);

  it("waits the recorded gaps, divided by the speed", () => {
    assert.deepEqual(replayDelays(t, "1x", false), [100, 5000, 200]);
    assert.deepEqual(replayDelays(t, "2x", false), [50, 2500, 100]);
    assert.deepEqual(replayDelays(t, "0.5x", false), [200, 10000, 400]);
  });

  it("cuts idle time down with --skip-idle-time", () => {
    assert.deepEqual(replayDelays(t, "1x", true), [100, IDLE_LIMIT_MS, 200]);
  });

  it("writes every output in order", async () => {
    const written: string[] = [];
    const waited: number[] = [];
    await replay(t, {
      speed: "4x",
      write: (data) => written.push(Buffer.from(data).toString()),
      wait: async (ms) => {
        waited.push(ms);
      },
    });
    assert.deepEqual(written, ["a", "b", "c"]);
    assert.deepEqual(waited, [25, 1250, 50]);
  });

  it("takes the speeds tsh play offers and names them on a mistake", () => {
    assert.equal(parseSpeed("2x"), "2x");
    assert.equal(parseSpeed("8"), "8x");
    assert.throws(() => parseSpeed("3x"), /expected a speed from 0\.5x, 1x, 2x, 4x, 8x, got "3x"/);
  });
});
