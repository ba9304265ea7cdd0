// Reads onnxruntime_perf_test's summary. Old builds print "P50 Latency is 0.0587108sec",
// current ones "P50 Latency: 0.0603 s"; both give seconds, which we turn into ms.

export interface PerfTestSummary {
  averageMs?: number;
  throughputPerSec?: number;
  peakWorkingSetBytes?: number;
  totalRequests?: number;
  /** Keyed by percentile (50, 90, 99.9); min and max apart. */
  percentilesMs: Record<number, number>;
  minMs?: number;
  maxMs?: number;
}

const NUM = String.raw`([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)`;

export function parsePerfTest(text: string): PerfTestSummary {
  const out: PerfTestSummary = { percentilesMs: {} };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    let m = new RegExp(String.raw`^Average inference time cost:\s*${NUM}\s*ms`).exec(line);
    if (m) out.averageMs = Number(m[1]);
    m = new RegExp(String.raw`^Number of inferences per second:\s*${NUM}`).exec(line);
    if (m) out.throughputPerSec = Number(m[1]);
    m = /^Peak working set size:\s*(\d+)/.exec(line);
    if (m) out.peakWorkingSetBytes = Number(m[1]);
    m = /^Total inference requests:\s*(\d+)/.exec(line);
    if (m) out.totalRequests = Number(m[1]);
    m = new RegExp(String.raw`^(Min|Max|P(\d+)) Latency(?:\s+is|:)\s*${NUM}\s*s(?:ec)?\b`).exec(line);
    if (m) {
      const ms = Number(m[3]) * 1000;
      if (m[1] === 'Min') out.minMs = ms;
      else if (m[1] === 'Max') out.maxMs = ms;
      else {
        // P999 is the 99.9th percentile: digits after the first two are decimals.
        const digits = m[2];
        out.percentilesMs[digits.length > 2 ? Number(`${digits.slice(0, 2)}.${digits.slice(2)}`) : Number(digits)] = ms;
      }
    }
  }
  return out;
}
