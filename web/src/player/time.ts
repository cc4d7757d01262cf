// Times as the player shows them (m:ss.t or h:mm:ss.t) and as links carry them (?t=SECONDS; the
// recording page reads it back).

/** m:ss.t or h:mm:ss.t: tenths, as the events of a short session fall in one second. */
export function formatClock(ms: number): string {
  const whole = Math.max(ms, 0);
  const total = Math.floor(whole / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, "0");
  const fraction = `.${Math.floor((whole % 1000) / 100)}`;
  return hours > 0
    ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}${fraction}`
    : `${minutes}:${seconds}${fraction}`;
}

/** "12.345" seconds from ms, as short as it can be without losing a millisecond. */
export function timeParam(ms: number): string {
  return String(Math.round(Math.max(ms, 0)) / 1000);
}
