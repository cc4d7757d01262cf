// tctl tokens ls: Teleport 14's table (asciitable: columns padded to the widest cell, one space
// apart, a dashed line under the header), without the trailing spaces Go's tabwriter leaves.
import { formatGoDuration } from "./duration.js";
import { displayRoles } from "./roles.js";
import type { JoinToken } from "./service.js";

const HEADERS = ["Token", "Type", "Labels", "Expiry Time (UTC)"] as const;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const two = (n: number): string => String(n).padStart(2, "0");

/** Go's time.RFC822 in UTC: "25 Sep 18 00:21 UTC". */
export function formatRfc822(time: Date): string {
  const month = MONTHS[time.getUTCMonth()] ?? "";
  const year = two(time.getUTCFullYear() % 100);
  return `${two(time.getUTCDate())} ${month} ${year} ${two(time.getUTCHours())}:${two(time.getUTCMinutes())} UTC`;
}

function expiryCell(token: JoinToken, now: Date): string {
  if (token.expires === undefined) return "never";
  // Teleport rounds what is left to the second and prints it the Go way: "(4m59s)".
  const left = Math.round((token.expires.getTime() - now.getTime()) / 1000) * 1000;
  return `${formatRfc822(token.expires)} (${formatGoDuration(left)})`;
}

/** "env=prod,role=db": labels sorted by name. */
export function formatLabels(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}=${labels[key] ?? ""}`)
    .join(",");
}

/** Rows under a header and a dashed line, each column as wide as its widest cell. */
export function alignedTable(headers: readonly string[], rows: readonly string[][]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]): string =>
    widths
      .map((width, column) => (cells[column] ?? "").padEnd(width))
      .join(" ")
      .trimEnd();
  const dashes = widths.map((width) => "-".repeat(width));
  return [line(headers), line(dashes), ...rows.map(line)].map((text) => `${text}\n`).join("");
}

export function formatTokensTable(tokens: readonly JoinToken[], now: Date): string {
  if (tokens.length === 0) return "No active tokens found.\n";
  const rows = tokens.map((token) => [
    token.token,
    displayRoles(token.roles),
    formatLabels(token.labels),
    expiryCell(token, now),
  ]);
  return alignedTable(HEADERS, rows);
}
