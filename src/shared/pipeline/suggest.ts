// "Did you mean ...?" for a mistyped node kind or param name in a hand-written pipeline:
// the closest known name by edit distance (case differences cost nothing), when close enough.

/** Levenshtein distance between two short names, case-insensitive. */
function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const row = [i];
    for (let j = 1; j <= y.length; j++) row.push(Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[y.length];
}

/** The known name closest to `given` (at most 2 edits, and fewer than half its length), or null. */
export function closestName(given: string, known: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = Math.min(2, Math.ceil(given.length / 2) - 1);
  for (const name of known) {
    const d = editDistance(given, name);
    if (d <= bestDistance && (best === null || d < bestDistance)) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}
