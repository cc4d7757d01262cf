// The playback clock: a position in playback time that moves at `speed` while playing. The
// caller passes the wall time (performance.now()) so the clock itself stays pure.

export const SPEEDS = [0.5, 1, 2, 4, 8] as const;
export type Speed = (typeof SPEEDS)[number];

export class PlaybackClock {
  private anchorPosition = 0;
  private anchorWall = 0;
  private running = false;
  private rate: Speed = 1;

  constructor(private length: number) {}

  get playing(): boolean {
    return this.running;
  }

  get speed(): Speed {
    return this.rate;
  }

  get duration(): number {
    return this.length;
  }

  /** Where playback is at wall time `now`; it stops at the end. */
  position(now: number): number {
    if (!this.running) return this.anchorPosition;
    const position = this.anchorPosition + (now - this.anchorWall) * this.rate;
    return Math.min(Math.max(position, 0), this.length);
  }

  /** Playing from the end starts over, as a player's play button does. */
  play(now: number): void {
    if (this.running) return;
    if (this.anchorPosition >= this.length) this.anchorPosition = 0;
    this.anchorWall = now;
    this.running = true;
  }

  pause(now: number): void {
    this.anchorPosition = this.position(now);
    this.running = false;
  }

  /** Once the end is reached, the clock pauses there. */
  finished(now: number): boolean {
    if (this.running && this.position(now) >= this.length) this.pause(now);
    return !this.running && this.anchorPosition >= this.length;
  }

  seek(position: number, now: number): void {
    this.anchorPosition = Math.min(Math.max(position, 0), this.length);
    this.anchorWall = now;
  }

  setSpeed(speed: Speed, now: number): void {
    this.seek(this.position(now), now);
    this.rate = speed;
  }

  /** A new length (skip idle turned on or off) keeps the position given in the new scale. */
  rescale(length: number, position: number, now: number): void {
    this.length = length;
    this.seek(position, now);
  }
}
