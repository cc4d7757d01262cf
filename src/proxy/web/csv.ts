// CSV as RFC 4180 writes it: a field with a comma, a quote or a line break is quoted, quotes
// inside doubled; records end with CRLF. A field that a spreadsheet would run as a formula
// (=, +, -, @, tab, CR first) gets a leading apostrophe: program names and arguments in the
// audit log are chosen by session users, and an auditor opens the export in a spreadsheet.

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvRecord(fields: readonly string[]): string {
  return `${fields.map(csvField).join(",")}\r\n`;
}
