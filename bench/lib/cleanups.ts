// What a bench must undo at the end, in the reverse order it was set up.

export type CleanupStep = () => void | Promise<void>;

export class Cleanups {
  private readonly steps: CleanupStep[] = [];

  add(step: CleanupStep): void {
    this.steps.push(step);
  }

  /** Forgets a step that has been done already. */
  remove(step: CleanupStep): void {
    const at = this.steps.indexOf(step);
    if (at >= 0) this.steps.splice(at, 1);
  }

  /** Runs every step, the last added first, and returns the problems they hit. */
  async run(): Promise<string[]> {
    const problems: string[] = [];
    // Taken out at once: a signal's clean-up and the main flow's may both get here.
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    return problems;
  }
}
