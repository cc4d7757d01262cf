const OMITTED = new Set(["level", "timestamp", "message", "component"]);

function fieldValue(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return /[\s"=]/.test(text) ? JSON.stringify(text) : text;
}

/**
 * Turns one pino JSON line into Teleport's text log shape:
 * `2026-01-02T03:04:05.678Z INFO [AUTH] message key=value`, from the JSON shape createLogger writes.
 */
export function formatTextLine(jsonLine: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(jsonLine) as Record<string, unknown>;
  } catch {
    return jsonLine.endsWith("\n") ? jsonLine : `${jsonLine}\n`;
  }
  const time = String(record["timestamp"] ?? "");
  const level = String(record["level"] ?? "").toUpperCase();
  const component =
    typeof record["component"] === "string" ? ` [${record["component"].toUpperCase()}]` : "";
  const fields = Object.entries(record)
    .filter(([key]) => !OMITTED.has(key))
    .map(([key, value]) => ` ${key}=${fieldValue(value)}`)
    .join("");
  return `${time} ${level}${component} ${String(record["message"] ?? "")}${fields}\n`;
}
