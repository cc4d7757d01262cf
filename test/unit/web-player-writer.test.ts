import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TerminalWriter, type TerminalSink } from "../../web/src/player/writer.js";

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A terminal like xterm.js: writes are parsed later (parse()), resize and reset act at once. */
class FakeTerminal implements TerminalSink {
  log: string[] = [];
  private unparsed: (() => void)[] = [];

  write(data: string, callback: () => void): void {
    this.log.push(`write ${data}`);
    this.unparsed.push(() => {
      this.log.push(`parsed ${data}`);
      callback();
    });
  }

  resize(cols: number, rows: number): void {
    this.log.push(`resize ${cols}x${rows}`);
  }

  reset(): void {
    this.log.push("reset");
  }

  /** Parses writes one by one until none is left. */
  async parse(): Promise<void> {
    for (;;) {
      await turn();
      const next = this.unparsed.shift();
      if (next === undefined) return;
      next();
    }
  }
}

describe("the player's terminal writer", () => {
  it("resizes only after the output before the resize is parsed", async () => {
    const terminal = new FakeTerminal();
    const writer = new TerminalWriter(terminal);
    const done = writer.append([
      { kind: "write", data: "a" },
      { kind: "resize", cols: 100, rows: 30 },
      { kind: "write", data: "b" },
    ]);
    await terminal.parse();
    await done;
    assert.deepEqual(terminal.log, ["write a", "parsed a", "resize 100x30", "write b", "parsed b"]);
  });

  it("resets after the write in progress and drops the output queued before a seek", async () => {
    const terminal = new FakeTerminal();
    const writer = new TerminalWriter(terminal);
    void writer.append([{ kind: "write", data: "1" }]);
    void writer.append([{ kind: "write", data: "2" }]);
    await turn();
    assert.deepEqual(terminal.log, ["write 1"]);
    void writer.replace([{ kind: "write", data: "up to t" }]);
    const done = writer.append([{ kind: "write", data: "after t" }]);
    await terminal.parse();
    await done;
    assert.deepEqual(terminal.log, [
      "write 1",
      "parsed 1",
      "reset",
      "write up to t",
      "parsed up to t",
      "write after t",
      "parsed after t",
    ]);
  });

  it("plays only the last of several seeks in a row", async () => {
    const terminal = new FakeTerminal();
    const writer = new TerminalWriter(terminal);
    void writer.replace([{ kind: "write", data: "first" }]);
    const done = writer.replace([{ kind: "write", data: "second" }]);
    await terminal.parse();
    await done;
    assert.deepEqual(terminal.log, ["reset", "write second", "parsed second"]);
  });
});
