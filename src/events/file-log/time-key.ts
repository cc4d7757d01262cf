// Date.parse keeps milliseconds; Go writes up to nanoseconds. The digits past the millisecond
// become a fraction so that events in the same millisecond still sort by time (to about 1 µs:
// the precision a double keeps at today's epoch milliseconds).
const SUB_MILLISECOND = /\.\d{3}(\d+)(?:Z|[+-]\d\d:\d\d)$/i;

/** An RFC 3339 time as epoch milliseconds with a fraction; NaN when it is not a time. */
export function timeKey(time: string): number {
  const ms = Date.parse(time);
  if (Number.isNaN(ms)) return NaN;
  const extra = SUB_MILLISECOND.exec(time)?.[1];
  return extra === undefined ? ms : ms + Number(`0.${extra}`);
}
