// How metrics read everywhere (node table, compare table, CSV, CLI): a label and a unit per
// metric key, declared once here. Keys not listed fall back on their suffix (…Bytes, …Ms,
// …Db, …Mw, …PerSec) and a label made from the key's words.
import { formatBytes, formatCount, formatLatencyMs, formatPercent2 } from '../format.ts';

export type MetricUnit = 'fraction' | 'bytes' | 'ms' | 'db' | 'mw' | 'mj' | 'perSec' | 'count' | 'ratio' | 'number' | 'text';

export interface MetricSpec {
  label: string;
  unit: MetricUnit;
}

const m = (label: string, unit: MetricUnit): MetricSpec => ({ label, unit });

/** Known metric keys in the order a table shows them (most telling first). */
export const METRICS: Readonly<Record<string, MetricSpec>> = {
  top1: m('Top-1', 'fraction'),
  top5: m('Top-5', 'fraction'),
  map: m('mAP 50–95', 'fraction'),
  map50: m('mAP@50', 'fraction'),
  map75: m('mAP@75', 'fraction'),
  agreement: m('Agreement', 'fraction'),
  top1Agreement: m('Top-1 agreement', 'fraction'),
  referenceTop1: m('Reference top-1', 'fraction'),
  sqnrDb: m('SQNR', 'db'),
  outputSqnrDb: m('Output SQNR', 'db'),
  worstSqnrDb: m('Worst-layer SQNR', 'db'),
  fusedVsQdqSqnrDb: m('Fused vs QDQ SQNR', 'db'),
  p50Ms: m('Latency p50', 'ms'),
  meanMs: m('Latency mean', 'ms'),
  p90Ms: m('Latency p90', 'ms'),
  p95Ms: m('Latency p95', 'ms'),
  p99Ms: m('Latency p99', 'ms'),
  minMs: m('Latency min', 'ms'),
  maxMs: m('Latency max', 'ms'),
  stdMs: m('Latency std dev', 'ms'),
  throughputPerSec: m('Throughput', 'perSec'),
  avgPowerMw: m('Average power', 'mw'),
  energyPerInferenceMj: m('Energy per inference', 'mj'),
  sizeBytes: m('Size', 'bytes'),
  gzipBytes: m('Gzip size', 'bytes'),
  gzipSizeBytes: m('Gzip size', 'bytes'),
  inputSizeBytes: m('Input size', 'bytes'),
  sizeRatio: m('Size ratio', 'ratio'),
  gzipRatio: m('Gzip ratio', 'ratio'),
  macRatio: m('MAC ratio', 'ratio'),
  macsRatio: m('MAC ratio', 'ratio'),
  latencyRatio: m('Latency ratio', 'ratio'),
  sparsity: m('Sparsity', 'fraction'),
  params: m('Parameters', 'count'),
  parameters: m('Parameters', 'count'),
  nonzeros: m('Non-zeros', 'count'),
  macs: m('MACs', 'count'),
  bitsPerWeight: m('Bits per weight', 'number'),
  peakMemoryBytes: m('Peak memory', 'bytes'),
  peakRssBytes: m('Peak RSS', 'bytes'),
  modelPeakBytes: m('Model peak memory', 'bytes'),
  runtimeRssBytes: m('Runtime RSS', 'bytes'),
  samples: m('Samples', 'count'),
  images: m('Images', 'count'),
  samplesPerSec: m('Samples per second', 'perSec'),
  imagesPerSec: m('Images per second', 'perSec'),
  evalMs: m('Evaluation time', 'ms'),
  loadMs: m('Load time', 'ms'),
  calibrationMs: m('Calibration time', 'ms'),
  inputP50Ms: m('Input latency p50', 'ms'),
  outputP50Ms: m('Output latency p50', 'ms'),
  layersInt8: m('Layers int8', 'number'),
  layersFp16: m('Layers fp16', 'number'),
  layersInt4: m('Layers int4', 'number'),
  layersTotal: m('Layers total', 'number'),
  batchSize: m('Batch', 'number'),
  sampleShape: m('Sample shape', 'text'),
  labelled: m('Labelled', 'text'),
  opset: m('Opset', 'number'),
  irVersion: m('IR version', 'number'),
};

const SUFFIX_UNITS: [RegExp, MetricUnit][] = [
  [/(Top[15]|Agreement|Accuracy)$/, 'fraction'], [/Bytes$/, 'bytes'], [/Ms$/, 'ms'], [/Db$/, 'db'], [/Mw$/, 'mw'], [/Mj$/, 'mj'], [/PerSec$/, 'perSec'], [/Ratio$/, 'ratio'], [/Pct$/, 'number'],
];
const SUFFIX_WORDS: [RegExp, string][] = [[/Bytes$/, ''], [/Ms$/, ''], [/Db$/, ''], [/Mw$/, ''], [/Mj$/, ''], [/PerSec$/, ' per second'], [/Pct$/, ' (%)']];

/** Words a key spells in lower case that read otherwise in a label. */
const WORDS: Record<string, string> = { top1: 'top-1', top5: 'top-5', sqnr: 'SQNR', macs: 'MACs', mac: 'MAC', map: 'mAP', fp32: 'fp32', qdq: 'QDQ', rss: 'RSS' };

/** "worstLayer" -> "Worst layer", "sqnrDb.logits" -> "SQNR (logits)", "baselineTop1" -> "Baseline top-1". */
function humanize(key: string): string {
  const dot = key.indexOf('.');
  if (dot > 0) return `${metricSpec(key.slice(0, dot)).label} (${key.slice(dot + 1)})`;
  let stem = key;
  let tail = '';
  for (const [re, words] of SUFFIX_WORDS) if (re.test(stem)) { stem = stem.replace(re, ''); tail = words; break; }
  const words = stem.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase().split(' ').map((w) => WORDS[w] ?? w).join(' ');
  return `${words.charAt(0).toUpperCase()}${words.slice(1)}${tail}`;
}

export function metricSpec(key: string): MetricSpec {
  const known = METRICS[key];
  if (known) return known;
  const base = key.includes('.') ? METRICS[key.slice(0, key.indexOf('.'))] : undefined;
  const unit = base?.unit ?? SUFFIX_UNITS.find(([re]) => re.test(key))?.[1] ?? 'number';
  return { label: humanize(key), unit };
}

export function metricLabel(key: string): string {
  return metricSpec(key).label;
}

/** A number in a unit, as every view prints it. */
export function formatInUnit(value: number, unit: MetricUnit): string {
  switch (unit) {
    case 'fraction': return formatPercent2(value);
    case 'bytes': return formatBytes(value);
    case 'ms': return formatLatencyMs(value);
    case 'db': return `${value.toFixed(1)} dB`;
    case 'mw': return value >= 1000 ? `${(value / 1000).toFixed(2)} W` : `${value.toFixed(0)} mW`;
    case 'mj': return `${Number(value.toPrecision(3))} mJ`;
    case 'perSec': return `${formatCount(Math.round(value))}/s`;
    case 'count': return Number.isInteger(value) && value < 1000 ? String(value) : formatCount(value);
    case 'ratio': return value >= 10 ? `${value.toFixed(0)}×` : `${value.toFixed(2)}×`;
    default: return Number.isInteger(value) ? value.toLocaleString('en-US') : String(Number(value.toPrecision(4)));
  }
}

/** One metric value with its unit: 0.9611 top-1 -> "96.11 %", SQNR 'inf' -> "∞ (identical)". */
export function formatMetric(key: string, value: number | string | boolean): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  const { unit } = metricSpec(key);
  if (typeof value === 'string') return unit === 'db' && value === 'inf' ? '∞ (identical)' : value;
  if (!Number.isFinite(value)) return String(value);
  return formatInUnit(value, unit);
}

/**
 * Metric entries in table order: known keys in METRICS order, then the rest as reported;
 * a key that repeats another's label and value (macsRatio beside macRatio) is left out.
 */
export function orderedMetrics(metrics: Record<string, number | string | boolean>): [string, number | string | boolean][] {
  const known = Object.keys(METRICS);
  const rank = (k: string) => { const i = known.indexOf(k); return i < 0 ? known.length : i; };
  const seen = new Set<string>();
  return Object.entries(metrics).sort((a, b) => rank(a[0]) - rank(b[0])).filter(([k, v]) => {
    const id = `${metricLabel(k)}=${String(v)}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
