// Reads trtexec's performance summary (TensorRT 7 to 10). Percentiles are matched
// generically (`percentile(N%) = x ms`, or 8.0's `percentile = x ms at N%`), because
// each release prints a different subset.

export interface TrtexecSummary {
  version?: string;
  throughputPerSec?: number;
  latencyMs?: { mean?: number; median?: number; min?: number; max?: number; percentiles: Record<number, number> };
  gpuComputeMs?: { mean?: number; median?: number; percentiles: Record<number, number> };
  /** Set when the output ends in FAILED or shows an error line. */
  failure?: string;
}

const NUM = String.raw`([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)`;

function parseStatsLine(body: string): { mean?: number; median?: number; min?: number; max?: number; percentiles: Record<number, number> } {
  const get = (name: string): number | undefined => {
    const m = new RegExp(String.raw`\b${name}\s*=\s*${NUM}\s*ms`).exec(body);
    return m ? Number(m[1]) : undefined;
  };
  const percentiles: Record<number, number> = {};
  for (const m of body.matchAll(new RegExp(String.raw`percentile\((\d+(?:\.\d+)?)%\)\s*=\s*${NUM}\s*ms`, 'g'))) {
    percentiles[Number(m[1])] = Number(m[2]);
  }
  // TensorRT 8.0-8.2: "percentile = 2.1 ms at 99%"
  for (const m of body.matchAll(new RegExp(String.raw`percentile\s*=\s*${NUM}\s*ms at (\d+(?:\.\d+)?)%`, 'g'))) {
    percentiles[Number(m[2])] = Number(m[1]);
  }
  return { mean: get('mean'), median: get('median'), min: get('min'), max: get('max'), percentiles };
}

/** `[TensorRT v100300]` -> 10.3.0; `[TensorRT v8502]` -> 8.5.2; or a "TensorRT version: x" line. */
function parseVersion(text: string): string | undefined {
  const named = /TensorRT version:\s*([\d.]+)/.exec(text);
  if (named) return named[1];
  const m = /\[TensorRT v(\d+)\]/.exec(text);
  if (!m) return undefined;
  const v = Number(m[1]);
  // 8.x encodes major*1000 + minor*100 + patch; 10.x encodes major*10000 + minor*100 + patch.
  if (v >= 10000) return `${Math.floor(v / 10000)}.${Math.floor(v / 100) % 100}.${v % 100}`;
  return `${Math.floor(v / 1000)}.${Math.floor(v / 100) % 10}.${v % 100}`;
}

export function parseTrtexec(text: string): TrtexecSummary {
  const out: TrtexecSummary = { version: parseVersion(text) };
  for (const line of text.split(/\r?\n/)) {
    const tp = new RegExp(String.raw`\]\s*Throughput:\s*${NUM}\s*qps`).exec(line);
    if (tp) out.throughputPerSec = Number(tp[1]);
    // "Latency:" alone, not "H2D Latency:" or "D2H Latency:".
    const lat = /\]\s*Latency:\s*(.*)$/.exec(line);
    if (lat) out.latencyMs = parseStatsLine(lat[1]);
    const gpu = /\]\s*GPU Compute(?: Time)?:\s*(.*)$/.exec(line);
    if (gpu) out.gpuComputeMs = parseStatsLine(gpu[1]);
    // TensorRT 7: "Average on 10 runs - GPU latency: 1.2 ms - Host latency: 1.5 ms (end to end ...)"
    const old = new RegExp(String.raw`Host latency:\s*${NUM}\s*ms`).exec(line);
    if (old && !lat) {
      out.latencyMs ??= { percentiles: {} };
      out.latencyMs.mean ??= Number(old[1]);
    }
    if (/&&&& FAILED/.test(line) || /\[E\]\s/.test(line)) out.failure ??= line.replace(/^.*?\[E\]\s*/, '').trim();
  }
  return out;
}
