// How sizes and counts read everywhere (UI, CLI, error messages): one convention.

/** Bytes in 1024-based units: "512 B", "242.6 KB", "13.3 MB", "1.20 GB". */
export function formatBytes(sizeBytes: number): string {
  if (sizeBytes < 1024) return `${sizeBytes} B`;
  if (sizeBytes < 1024 ** 2) return `${(sizeBytes / 1024).toFixed(1)} KB`;
  if (sizeBytes < 1024 ** 3) return `${(sizeBytes / 1024 ** 2).toFixed(1)} MB`;
  return `${(sizeBytes / 1024 ** 3).toFixed(2)} GB`;
}

/** Large counts (parameters, MACs) with a metric suffix: "61.7 k", "3.47 M", "1.81 G". */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

/** A fraction as a percentage with one decimal: 0.9611 -> "96.1%". */
export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** An accuracy-like fraction as a percentage with two decimals: 0.96113 -> "96.11 %". */
export function formatPercent2(fraction: number): string {
  return `${(fraction * 100).toFixed(2)} %`;
}

/** A latency in milliseconds with three significant figures: "0.412 ms", "4.12 ms", "41.2 ms", "412 ms". */
export function formatLatencyMs(ms: number): string {
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(3)} ms`;
}

/** A ratio such as a size reduction: "1.05×" near 1 (where "1.0×" would hide it), "3.7×", "12×". */
export function formatRatio(ratio: number): string {
  if (ratio >= 10) return `${ratio.toFixed(0)}×`;
  return ratio < 1.1 ? `${ratio.toFixed(2)}×` : `${ratio.toFixed(1)}×`;
}
