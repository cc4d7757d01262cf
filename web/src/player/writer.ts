// Feeds terminal steps to xterm.js in order. xterm parses writes later, in chunks, while resize
// and reset act at once: a resize must wait until the writes before it are parsed, and a seek
// must not let output queued before it land on the fresh screen.
import type { TerminalStep } from "./timeline.js";

/** The part of xterm.js's Terminal the writer uses. */
export interface TerminalSink {
  write(data: string, callback: () => void): void;
  resize(cols: number, rows: number): void;
  reset(): void;
}

export class TerminalWriter {
  private chain: Promise<void> = Promise.resolve();
  private generation = 0;

  constructor(private readonly terminal: TerminalSink) {}

  /** Plays `steps` after everything queued. */
  append(steps: readonly TerminalStep[]): Promise<void> {
    const generation = this.generation;
    this.chain = this.chain.then(() => this.run(steps, generation));
    return this.chain;
  }

  /** A seek: drops the steps not yet started, resets the terminal, then plays `steps`. */
  replace(steps: readonly TerminalStep[]): Promise<void> {
    const generation = ++this.generation;
    this.chain = this.chain.then(() => {
      if (generation !== this.generation) return;
      this.terminal.reset();
      return this.run(steps, generation);
    });
    return this.chain;
  }

  private async run(steps: readonly TerminalStep[], generation: number): Promise<void> {
    for (const step of steps) {
      if (generation !== this.generation) return;
      if (step.kind === "resize") this.terminal.resize(step.cols, step.rows);
      else await new Promise<void>((resolve) => this.terminal.write(step.data, resolve));
    }
  }
}
