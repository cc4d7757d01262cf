/**
 * The canonical JSON text of a value: object keys sorted by code unit (as Go sorts map keys), no
 * whitespace, so the same event always hashes the same wherever it was written. Also the order
 * Teleport's audit log shows keys in. Undefined members are left out, like JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  const state = { indexKey: false };
  const copy = sortedCopy(value, state);
  // An object cannot hold keys like "10" and "2" in code-unit order (it puts them in numeric
  // order), so values with such keys are written out by hand, more slowly.
  if (state.indexKey) return write(value) ?? "null";
  return JSON.stringify(copy) ?? "null";
}

const INDEX_KEY = /^(?:0|[1-9]\d*)$/;

/**
 * The value with every object's keys inserted in sorted order, for JSON.stringify (native, and
 * this runs for every event appended). Already sorted objects are reused, not copied.
 */
function sortedCopy(value: unknown, state: { indexKey: boolean }): unknown {
  if (value === null || typeof value !== "object") return value;
  const json = (value as { toJSON?: unknown }).toJSON;
  if (typeof json === "function") return sortedCopy((json as () => unknown).call(value), state);
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item: unknown, i) => {
      const sorted = sortedCopy(item, state);
      if (sorted !== item) (copy ??= [...value])[i] = sorted;
    });
    return copy ?? value;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  let changed = false;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] ?? "";
    const first = key.charCodeAt(0);
    if (first >= 0x30 && first <= 0x39 && INDEX_KEY.test(key)) state.indexKey = true;
    if (i > 0 && (keys[i - 1] ?? "") > key) changed = true;
    const item = record[key];
    if (item !== null && typeof item === "object" && sortedCopy(item, state) !== item)
      changed = true;
  }
  if (!changed) return value;
  const copy: Record<string, unknown> = {};
  for (const key of keys.sort()) copy[key] = sortedCopy(record[key], state);
  return copy;
}

function write(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  const json = (value as { toJSON?: unknown }).toJSON;
  if (typeof json === "function") return write((json as () => unknown).call(value));
  if (Array.isArray(value)) return `[${value.map((item) => write(item) ?? "null").join(",")}]`;
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const text = write(record[key]);
    if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(",")}}`;
}
