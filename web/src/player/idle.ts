// Skipping idle time: playback time runs like session time except that a gap with no output
// and no event longer than a limit lasts only the limit. The map goes both ways: the clock
// runs in playback time, links, events and frames are in session time.

interface Cut {
  /** Session time where the skipped part of a gap starts (the gap's start plus the limit). */
  from: number;
  /** Session time where it ends (the next activity). */
  to: number;
  /** Playback time of `from`. */
  at: number;
}

export class TimeMap {
  private constructor(
    private readonly cuts: readonly Cut[],
    /** The session's duration. */
    readonly sessionDuration: number,
    /** How long playback lasts. */
    readonly duration: number,
  ) {}

  /** Playback time is session time. */
  static identity(sessionDuration: number): TimeMap {
    return new TimeMap([], sessionDuration, sessionDuration);
  }

  /**
   * Gaps longer than `limitMs` between activity times (output, events; the start and the end
   * of the session count too) are shortened to `limitMs`.
   */
  static skippingIdle(
    activity: Iterable<number>,
    sessionDuration: number,
    limitMs: number,
  ): TimeMap {
    const times = [...activity, 0, sessionDuration]
      .filter((ms) => ms >= 0 && ms <= sessionDuration)
      .sort((a, b) => a - b);
    const cuts: Cut[] = [];
    let skipped = 0;
    for (let i = 1; i < times.length; i++) {
      const previous = times[i - 1] ?? 0;
      const next = times[i] ?? 0;
      if (next - previous <= limitMs) continue;
      const from = previous + limitMs;
      cuts.push({ from, to: next, at: from - skipped });
      skipped += next - from;
    }
    return new TimeMap(cuts, sessionDuration, sessionDuration - skipped);
  }

  /** The session time shown at playback time `ms`: a cut is jumped over at once. */
  toSession(ms: number): number {
    const clamped = Math.min(Math.max(ms, 0), this.duration);
    let skipped = 0;
    for (const cut of this.cuts) {
      if (cut.at > clamped) break;
      skipped += cut.to - cut.from;
    }
    return Math.min(clamped + skipped, this.sessionDuration);
  }

  /** The playback time of session time `ms`; a time inside a skipped part maps to its jump. */
  toPlayback(ms: number): number {
    const clamped = Math.min(Math.max(ms, 0), this.sessionDuration);
    let skipped = 0;
    for (const cut of this.cuts) {
      if (cut.from >= clamped) break;
      if (clamped < cut.to) return cut.at;
      skipped += cut.to - cut.from;
    }
    return clamped - skipped;
  }
}
