/**
 * RFC 3339 in UTC with trailing zeros of the fraction dropped ("2023-07-04T16:42:20.54Z"),
 * as Teleport (Go's RFC3339Nano) writes event times.
 */
export function eventTime(date: Date): string {
  return date.toISOString().replace(/\.?0+Z$/, "Z");
}
