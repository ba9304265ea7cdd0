// Latency statistics from individual runs: mean and linear-interpolated percentiles
// (numpy's default), the same definition the host latency benchmark uses.

export function percentile(sortedAsc: number[], p: number): number {
  if (!sortedAsc.length) return NaN;
  const pos = (p / 100) * (sortedAsc.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sortedAsc.length - 1);
  return sortedAsc[lo] + (sortedAsc[hi] - sortedAsc[lo]) * (pos - lo);
}

export function latencyStats(latenciesMs: number[]) {
  const s = [...latenciesMs].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { mean, p50: percentile(s, 50), p90: percentile(s, 90), p95: percentile(s, 95), p99: percentile(s, 99), min: s[0], max: s[s.length - 1] };
}
