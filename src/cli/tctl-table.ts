// tctl's label-value output; its tables are alignedTable from the auth part.

/** Label-value lines without a header ("Cluster  name"), labels padded to the widest plus two. */
export function formatPairs(pairs: readonly (readonly [string, string])[]): string {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${label.padEnd(width + 2)}${value}\n`).join("");
}
