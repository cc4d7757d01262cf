import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PlaybackClock } from "../../web/src/player/clock.js";
import { TimeMap } from "../../web/src/player/idle.js";
import { nextMatch, searchOutput } from "../../web/src/player/search.js";
import { formatClock, timeParam } from "../../web/src/player/time.js";
import {
  commandAt,
  laneEvents,
  markBuckets,
  sessionLength,
  stepsBetween,
  stepsUpTo,
  type OutputFrame,
  type Timeline,
  type TimelineEvent,
} from "../../web/src/player/timeline.js";

function event(ms: number, name: string, fields: Partial<TimelineEvent> = {}): TimelineEvent {
  return { ms, event: name, code: "T0000I", summary: `${name} at ${ms}`, raw: {}, ...fields };
}

const output: OutputFrame[] = [
  [0, "o", "$ "],
  [500, "o", "l"],
  [600, "o", "s\r\n"],
  [700, "o", "a.txt  b.txt\r\n$ "],
  [5000, "r", "100x30"],
  [9000, "o", "\x1b[1;32mcurl\x1b[0m -s http://127.0.0.1/\r\n"],
  [9100, "o", "hello from curl\r\n$ "],
];

const timeline: Timeline = {
  sid: "5a5a5a5a-0000-4000-8000-000000000001",
  start: "2026-01-01T00:00:00Z",
  duration_ms: 10_000,
  size: { cols: 80, rows: 24 },
  output,
  events: [
    event(0, "session.start"),
    event(550, "session.command", { path: "/usr/bin/ls", argv: [], return_code: 0 }),
    event(9050, "session.disk", { path: "/etc/hosts" }),
    event(9000, "session.command", { path: "/usr/bin/curl", argv: ["-s"], return_code: 0 }),
    event(9060, "session.network", { dst_addr: "127.0.0.1", dst_port: 80 }),
    event(10_000, "session.end"),
  ],
};

describe("the player's timeline: seeking", () => {
  it("writes everything up to the moment at once, after a reset to the recording's size", () => {
    assert.deepEqual(stepsUpTo(timeline, 650), [
      { kind: "resize", cols: 80, rows: 24 },
      { kind: "write", data: "$ ls\r\n" },
    ]);
  });

  it("keeps resizes in their place between writes", () => {
    assert.deepEqual(stepsUpTo(timeline, 9000), [
      { kind: "resize", cols: 80, rows: 24 },
      { kind: "write", data: "$ ls\r\na.txt  b.txt\r\n$ " },
      { kind: "resize", cols: 100, rows: 30 },
      { kind: "write", data: "\x1b[1;32mcurl\x1b[0m -s http://127.0.0.1/\r\n" },
    ]);
  });

  it("writes nothing before the first frame, and only the frames between two points", () => {
    assert.deepEqual(stepsUpTo({ ...timeline, output: output.slice(1) }, 100), [
      { kind: "resize", cols: 80, rows: 24 },
    ]);
    assert.deepEqual(stepsBetween(output, 5, 7), [
      {
        kind: "write",
        data: "\x1b[1;32mcurl\x1b[0m -s http://127.0.0.1/\r\nhello from curl\r\n$ ",
      },
    ]);
  });

  it("lasts until the last frame or event when the duration says less", () => {
    assert.equal(sessionLength(timeline), 10_000);
    assert.equal(sessionLength({ ...timeline, duration_ms: 0 }), 10_000);
    assert.equal(sessionLength({ ...timeline, duration_ms: 0, events: [] }), 9100);
  });
});

describe("the player's timeline: events", () => {
  const lanes = laneEvents(timeline.events);

  it("puts only the enhanced events on lanes, in time order", () => {
    assert.deepEqual(
      lanes.map((e) => [e.ms, e.event]),
      [
        [550, "session.command"],
        [9000, "session.command"],
        [9050, "session.disk"],
        [9060, "session.network"],
      ],
    );
  });

  it("names the command running at a moment, with its return code", () => {
    assert.equal(commandAt(lanes, 549), undefined);
    assert.equal(commandAt(lanes, 550)?.path, "/usr/bin/ls");
    assert.equal(commandAt(lanes, 8999)?.path, "/usr/bin/ls");
    const curl = commandAt(lanes, 9999);
    assert.equal(curl?.path, "/usr/bin/curl");
    assert.equal(curl?.return_code, 0);
  });

  it("marks the seek bar once per slice that holds events of a lane", () => {
    const marks = markBuckets(lanes, (ms) => ms, 10_000, 10);
    assert.deepEqual(marks.get("session.command"), [0, 9]);
    assert.deepEqual(marks.get("session.disk"), [9]);
    assert.deepEqual(marks.get("session.network"), [9]);
  });
});

describe("the player's timeline: skipping idle time", () => {
  // Activity at 0, 1000, 9000 and 9500 in a 20-second session; the limit is 2 s.
  const map = TimeMap.skippingIdle([1000, 9000, 9500], 20_000, 2000);

  it("shortens every gap longer than the limit to the limit", () => {
    // 1000→9000 loses 6000 and 9500→20000 loses 8500.
    assert.equal(map.duration, 20_000 - 6000 - 8500);
    assert.equal(map.sessionDuration, 20_000);
  });

  it("maps playback time to session time and back", () => {
    assert.equal(map.toSession(500), 500);
    assert.equal(map.toSession(3000), 9000);
    assert.equal(map.toSession(3500), 9500);
    assert.equal(map.toSession(map.duration), 20_000);
    // Session times inside a skipped part are the exception (next test).
    for (const ms of [0, 500, 1000, 2999, 9000, 9400, 20_000]) {
      assert.equal(map.toSession(map.toPlayback(ms)), ms, `session ${ms}`);
    }
  });

  it("maps a moment inside a skipped part to where playback jumps over it", () => {
    assert.equal(map.toPlayback(2999), 2999);
    assert.equal(map.toPlayback(5000), 3000);
    assert.equal(map.toPlayback(8999), 3000);
  });

  it("is the identity when off", () => {
    const identity = TimeMap.identity(20_000);
    assert.equal(identity.duration, 20_000);
    assert.equal(identity.toSession(12_345), 12_345);
    assert.equal(identity.toPlayback(12_345), 12_345);
  });
});

describe("the player's timeline: search in the output", () => {
  it("finds every match, case-insensitively, at the time its last character was written", () => {
    const matches = searchOutput(output, "TXT");
    assert.deepEqual(
      matches.map((m) => [m.ms, m.preview]),
      [
        [700, "a.txt  b.txt"],
        [700, "a.txt  b.txt"],
      ],
    );
  });

  it("matches text split over frames and colours, as the reader saw it", () => {
    assert.deepEqual(
      searchOutput(output, "$ ls").map((m) => m.ms),
      [600],
    );
    assert.deepEqual(
      searchOutput(output, "curl -s").map((m) => [m.ms, m.preview]),
      [[9000, "$ curl -s http://127.0.0.1/"]],
    );
    assert.deepEqual(
      searchOutput(output, "from curl").map((m) => m.ms),
      [9100],
    );
  });

  it("applies backspaces as line editing echoes them, and ignores titles", () => {
    const edited: OutputFrame[] = [
      [0, "o", "\x1b]0;user@host: ~\x07$ curk"],
      [100, "o", "\b \b"],
      [200, "o", "l\r\n"],
    ];
    assert.deepEqual(
      searchOutput(edited, "curl").map((m) => m.ms),
      [200],
    );
    assert.deepEqual(searchOutput(edited, "user@host"), []);
  });

  it("goes from the moment on screen to the next match, then on from match to match", () => {
    const matches = [100, 700, 700, 9100].map((ms) => ({ ms, preview: "" }));
    assert.equal(nextMatch(matches, undefined, 0, false), 0);
    assert.equal(nextMatch(matches, undefined, 700, false), 1);
    assert.equal(nextMatch(matches, undefined, 9500, false), 0, "wraps to the first");
    assert.equal(nextMatch(matches, undefined, 5000, true), 2, "back: the last before");
    assert.equal(nextMatch(matches, undefined, 50, true), 3, "back wraps to the last");
    assert.equal(nextMatch(matches, 1, 700, false), 2, "the next one at the same moment");
    assert.equal(nextMatch(matches, 3, 9100, false), 0);
    assert.equal(nextMatch(matches, 0, 100, true), 3);
  });

  it("finds nothing for an empty query or text that is not there", () => {
    assert.deepEqual(searchOutput(output, ""), []);
    assert.deepEqual(searchOutput(output, "wttr.in"), []);
  });
});

describe("the player's clock", () => {
  it("moves at its speed while playing and stops at the end", () => {
    const clock = new PlaybackClock(10_000);
    clock.play(1000);
    assert.equal(clock.position(2000), 1000);
    clock.setSpeed(4, 2000);
    assert.equal(clock.position(3000), 5000);
    clock.pause(3000);
    assert.equal(clock.position(60_000), 5000);
    clock.play(60_000);
    assert.equal(clock.finished(62_000), true);
    assert.equal(clock.position(62_000), 10_000);
    assert.equal(clock.playing, false);
  });

  it("starts over when played at the end, and seeks within its length", () => {
    const clock = new PlaybackClock(10_000);
    clock.seek(50_000, 0);
    assert.equal(clock.position(0), 10_000);
    clock.play(0);
    assert.equal(clock.position(100), 100);
    clock.rescale(4000, 3000, 100);
    assert.equal(clock.position(600), 3500);
  });
});

describe("the player's times", () => {
  it("shows m:ss.t, or h:mm:ss.t past an hour", () => {
    assert.equal(formatClock(0), "0:00.0");
    assert.equal(formatClock(173), "0:00.1");
    assert.equal(formatClock(65_999), "1:05.9");
    assert.equal(formatClock(3_725_000), "1:02:05.0");
  });

  it("writes ?t= in seconds without losing a millisecond", () => {
    assert.equal(timeParam(9000), "9");
    assert.equal(timeParam(9050), "9.05");
    assert.equal(Number(timeParam(12_345)) * 1000, 12_345);
    assert.equal(timeParam(-5), "0");
  });
});
