// "Did you mean" for misspelt keys and role names.

/** Optimal-string-alignment distance: Levenshtein plus swaps of two neighbouring letters. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      const row = d[i];
      if (row) row[j] = best;
    }
  }
  return at(a.length, b.length);
}

// Case and "-" vs "_" are the commonest slips; compare without them.
function normalize(word: string): string {
  return word.toLowerCase().replaceAll("-", "_");
}

const MIN_PREFIX = 3;

/**
 * The candidate closest to `word`, if any is close enough: at most 2 edits (1 for words of
 * 3 letters or fewer, where 2 edits would match almost anything), or one is a prefix of the
 * other (e.g. "enhanced" for "enhanced_recording").
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  const typed = normalize(word);
  const limit = typed.length <= 3 ? 1 : 2;
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const known = normalize(candidate);
    let score = editDistance(typed, known);
    const isPrefix =
      Math.min(typed.length, known.length) >= MIN_PREFIX &&
      (known.startsWith(typed) || typed.startsWith(known));
    // A prefix match ranks just behind a 2-edit typo.
    if (score > limit && isPrefix) score = limit + 0.5;
    if (score <= limit + 0.5 && score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}
