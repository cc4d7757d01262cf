// Playback of a timeline into a terminal: the clock, skipping idle time, seeking and the frames
// written as time moves on. The screen and the animation frames are passed in (xterm.js and
// requestAnimationFrame in the browser), so node --test drives it with fakes.
import { PlaybackClock, type Speed } from "./clock.js";
import { TimeMap } from "./idle.js";
import {
  frameIndexAfter,
  sessionLength,
  stepsBetween,
  stepsUpTo,
  type Timeline,
} from "./timeline.js";
import { TerminalWriter, type TerminalSink } from "./writer.js";

/** Gaps with nothing happening longer than this play as this long when skipping idle time. */
export const IDLE_LIMIT_MS = 2000;

export interface Scheduler {
  /** Wall time in ms (performance.now()). */
  now(): number;
  /** Runs `callback` before the next paint (requestAnimationFrame). */
  frame(callback: () => void): number;
  cancel(id: number): void;
}

export interface PlaybackState {
  /** The moment of the session the terminal shows (ms since its start). */
  sessionMs: number;
  /** Where playback is (ms of playback time: the seek bar's value). */
  position: number;
  /** How long playback lasts (shorter than the session when skipping idle time). */
  duration: number;
  /** How long the session lasted. */
  sessionDuration: number;
  playing: boolean;
  speed: Speed;
  skipIdle: boolean;
  /** Playback time ↔ session time. */
  map: TimeMap;
}

export class PlaybackEngine {
  private readonly writer: TerminalWriter;
  private readonly clock: PlaybackClock;
  private readonly maps: { real: TimeMap; skipping: TimeMap };
  private map: TimeMap;
  /** Frames before this index are on the terminal (or queued for it). */
  private cursor = 0;
  private sessionMs = 0;
  private pending: number | undefined;
  private state: PlaybackState;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly timeline: Timeline,
    sink: TerminalSink,
    private readonly scheduler: Scheduler,
  ) {
    this.writer = new TerminalWriter(sink);
    const length = sessionLength(timeline);
    const activity = [
      ...timeline.output.map(([ms]) => ms),
      ...timeline.events.map((event) => event.ms),
    ];
    this.maps = {
      real: TimeMap.identity(length),
      skipping: TimeMap.skippingIdle(activity, length, IDLE_LIMIT_MS),
    };
    this.map = this.maps.real;
    this.clock = new PlaybackClock(this.map.duration);
    this.state = this.snapshotNow();
  }

  /** The current state; a new object after every change (for useSyncExternalStore). */
  snapshot = (): PlaybackState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  play(): void {
    if (this.clock.playing) return;
    const now = this.scheduler.now();
    if (this.clock.finished(now)) void this.seekTo(0);
    this.clock.play(this.scheduler.now());
    this.schedule();
    this.publish();
  }

  pause(): void {
    const now = this.scheduler.now();
    if (this.clock.playing) this.advance(now);
    this.clock.pause(now);
    this.unschedule();
    this.publish();
  }

  toggle(): void {
    if (this.clock.playing) this.pause();
    else this.play();
  }

  /** Shows the session at `ms`; resolves once the terminal has it all. */
  seekTo(ms: number): Promise<void> {
    const target = Math.min(Math.max(ms, 0), this.map.sessionDuration);
    this.clock.seek(this.map.toPlayback(target), this.scheduler.now());
    this.sessionMs = target;
    this.cursor = frameIndexAfter(this.timeline.output, target);
    const written = this.writer.replace(stepsUpTo(this.timeline, target));
    this.publish();
    return written;
  }

  /** A seek in playback time (the seek bar). */
  seekPosition(position: number): Promise<void> {
    return this.seekTo(this.map.toSession(position));
  }

  setSpeed(speed: Speed): void {
    this.clock.setSpeed(speed, this.scheduler.now());
    this.publish();
  }

  setSkipIdle(skip: boolean): void {
    this.map = skip ? this.maps.skipping : this.maps.real;
    this.clock.rescale(
      this.map.duration,
      this.map.toPlayback(this.sessionMs),
      this.scheduler.now(),
    );
    this.publish();
  }

  dispose(): void {
    this.unschedule();
    this.listeners.clear();
  }

  /** Every animation frame while playing. */
  private tick = (): void => {
    this.pending = undefined;
    const now = this.scheduler.now();
    if (this.clock.playing) {
      this.advance(now);
      if (!this.clock.finished(now)) this.schedule();
    }
    this.publish();
  };

  /** Moves the terminal on to where the clock is. */
  private advance(now: number): void {
    this.sessionMs = this.map.toSession(this.clock.position(now));
    const next = frameIndexAfter(this.timeline.output, this.sessionMs);
    if (next > this.cursor) {
      void this.writer.append(stepsBetween(this.timeline.output, this.cursor, next));
      this.cursor = next;
    }
  }

  private schedule(): void {
    this.pending ??= this.scheduler.frame(this.tick);
  }

  private unschedule(): void {
    if (this.pending !== undefined) this.scheduler.cancel(this.pending);
    this.pending = undefined;
  }

  private snapshotNow(): PlaybackState {
    return {
      sessionMs: this.sessionMs,
      position: this.clock.position(this.scheduler.now()),
      duration: this.map.duration,
      sessionDuration: this.map.sessionDuration,
      playing: this.clock.playing,
      speed: this.clock.speed,
      skipIdle: this.map === this.maps.skipping,
      map: this.map,
    };
  }

  private publish(): void {
    this.state = this.snapshotNow();
    for (const listener of this.listeners) listener();
  }
}
