import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PlaybackEngine, type Scheduler } from "../../web/src/player/engine.js";
import type { Timeline } from "../../web/src/player/timeline.js";
import type { TerminalSink } from "../../web/src/player/writer.js";

/** Everything written since the last reset, and the size. */
class Screen implements TerminalSink {
  text = "";
  size = "";
  resets = 0;

  write(data: string, callback: () => void): void {
    this.text += data;
    callback();
  }

  resize(cols: number, rows: number): void {
    this.size = `${cols}x${rows}`;
  }

  reset(): void {
    this.text = "";
    this.resets++;
  }
}

/** Wall time the test sets, and animation frames it runs. */
class ManualScheduler implements Scheduler {
  time = 0;
  private frames = new Map<number, () => void>();
  private next = 1;

  now(): number {
    return this.time;
  }

  frame(callback: () => void): number {
    this.frames.set(this.next, callback);
    return this.next++;
  }

  cancel(id: number): void {
    this.frames.delete(id);
  }

  /** Moves wall time to `time` and runs the frame due then. */
  async at(time: number): Promise<void> {
    this.time = time;
    const due = [...this.frames.values()];
    this.frames.clear();
    for (const callback of due) callback();
    // The writer chains writes through promises.
    await new Promise((resolve) => setImmediate(resolve));
  }

  get waiting(): number {
    return this.frames.size;
  }
}

const timeline: Timeline = {
  sid: "5a5a5a5a-0000-4000-8000-000000000002",
  start: "2026-01-01T00:00:00Z",
  duration_ms: 20_000,
  size: { cols: 80, rows: 24 },
  output: [
    [0, "o", "$ "],
    [1000, "o", "sleep 10\r\n"],
    [11_000, "r", "120x40"],
    [11_000, "o", "$ "],
    [12_000, "o", "exit\r\n"],
  ],
  events: [
    {
      ms: 1000,
      event: "session.command",
      code: "T4000I",
      path: "/usr/bin/sleep",
      argv: ["10"],
      summary: "alice ran /usr/bin/sleep 10",
      raw: {},
    },
  ],
};

function engine(): { player: PlaybackEngine; screen: Screen; clock: ManualScheduler } {
  const screen = new Screen();
  const clock = new ManualScheduler();
  return { player: new PlaybackEngine(timeline, screen, clock), screen, clock };
}

describe("the player's playback", () => {
  it("writes the output as the clock passes it, at the chosen speed", async () => {
    const { player, screen, clock } = engine();
    player.play();
    await clock.at(500);
    assert.equal(screen.text, "$ ");
    player.setSpeed(2);
    await clock.at(1000);
    assert.equal(player.snapshot().sessionMs, 1500);
    assert.equal(screen.text, "$ sleep 10\r\n");
    player.pause();
    await clock.at(60_000);
    assert.equal(player.snapshot().sessionMs, 1500);
    assert.equal(player.snapshot().playing, false);
    assert.equal(clock.waiting, 0, "no animation frames while paused");
  });

  it("stops at the end, and plays again from the start", async () => {
    const { player, screen, clock } = engine();
    player.setSpeed(8);
    player.play();
    await clock.at(10_000);
    assert.equal(player.snapshot().playing, false);
    assert.equal(player.snapshot().sessionMs, 20_000);
    assert.equal(screen.text, "$ sleep 10\r\n$ exit\r\n");
    assert.equal(screen.size, "120x40");
    player.play();
    await clock.at(10_001);
    assert.equal(screen.text, "$ ");
    assert.equal(screen.size, "80x24");
  });

  it("seeks by resetting the terminal and writing everything up to the moment", async () => {
    const { player, screen } = engine();
    await player.seekTo(11_500);
    assert.equal(screen.text, "$ sleep 10\r\n$ ");
    assert.equal(screen.size, "120x40");
    await player.seekTo(1000);
    assert.equal(screen.text, "$ sleep 10\r\n");
    assert.equal(screen.size, "80x24");
    assert.equal(player.snapshot().sessionMs, 1000);
  });

  it("skips idle time: the 10 s sleep plays in 2 s, and the position keeps its moment", async () => {
    const { player, screen, clock } = engine();
    await player.seekTo(1000);
    player.setSkipIdle(true);
    const state = player.snapshot();
    assert.equal(state.skipIdle, true);
    // 1000→11000 and 12000→20000 are shortened to 2000 each.
    assert.equal(state.duration, 20_000 - 8000 - 6000);
    assert.equal(state.sessionDuration, 20_000);
    assert.equal(state.position, 1000);
    player.play();
    await clock.at(2000);
    assert.equal(player.snapshot().sessionMs, 11_000);
    assert.equal(screen.text, "$ sleep 10\r\n$ ");
    player.pause();
    player.setSkipIdle(false);
    assert.equal(player.snapshot().position, 11_000);
  });
});
