// Times and durations the way Teleport's tsh prints them (Go's formats, in UTC).
import { formatGoDuration } from "../auth/index.js";

const two = (n: number): string => String(n).padStart(2, "0");

/** Go's time.Time String() in UTC, without fractions: "2024-05-01 13:04:05 +0000 UTC". */
export function formatGoTime(time: Date): string {
  const date = `${time.getUTCFullYear()}-${two(time.getUTCMonth() + 1)}-${two(time.getUTCDate())}`;
  const clock = `${two(time.getUTCHours())}:${two(time.getUTCMinutes())}:${two(time.getUTCSeconds())}`;
  return `${date} ${clock} +0000 UTC`;
}

/** "2024-05-01 13:04:05 +0000 UTC [valid for 11h59m59s]", or "[EXPIRED]" once past. */
export function formatValidUntil(validBefore: Date, now: Date): string {
  const left = validBefore.getTime() - now.getTime();
  const status =
    left <= 0 ? "EXPIRED" : `valid for ${formatGoDuration(Math.round(left / 1000) * 1000)}`;
  return `${formatGoTime(validBefore)} [${status}]`;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Go's "Jan _2 15:04:05 UTC" (Teleport's recordings table). */
export function formatStampUtc(time: Date): string {
  const day = String(time.getUTCDate()).padStart(2, " ");
  const clock = `${two(time.getUTCHours())}:${two(time.getUTCMinutes())}:${two(time.getUTCSeconds())}`;
  return `${MONTHS[time.getUTCMonth()] ?? ""} ${day} ${clock} UTC`;
}
