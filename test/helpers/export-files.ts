// The audit log's export files read back as a user's tools would: CSV as RFC 4180 writes it
// (quoted fields may hold commas, quotes and line breaks; every record ends with CRLF) and JSON
// lines (every line, the last too, ends with a newline).
import assert from "node:assert/strict";

/** The CSV header row, written out here so a change to the file's format fails a test. */
export const EXPORT_CSV_COLUMNS = [
  "time",
  "event",
  "code",
  "user",
  "login",
  "server_hostname",
  "sid",
  "summary",
] as const;

export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      record.push(field);
      records.push(record);
      record = [];
      field = "";
      i++;
    } else field += c;
  }
  assert.equal(field + record.join(""), "", "the file ends with a whole record");
  return records;
}

export function parseJsonLines(text: string): Record<string, unknown>[] {
  if (text === "") return [];
  assert.ok(text.endsWith("\n"), "the file ends with a whole line");
  return text
    .slice(0, -1)
    .split("\n")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
