// What a node shows on the canvas, from its kind's `face` declaration: key params in the
// words of the inspector (percentages, file names, option labels) and, after a run, its
// headline figures with units ("top-1 96.1%", "p50 3.42 ms", "size 3.7× smaller").
import type { FaceFormat, FaceMetric, FaceParam, NodeKindSpec, ParamSpec, ParamValue, Params } from '../catalog/types.ts';
import { formatBytes, formatCount, formatPercent } from '../format.ts';
import { isParamVisible, paramsWithDefaults } from '../pipeline/params.ts';
import type { SweepSpec } from '../pipeline/sweep-spec.ts';
import { sweepValues } from '../pipeline/sweep-values.ts';

export interface FaceLine {
  /** The param or metric it shows, for tests and tooltips. */
  key: string;
  label: string;
  text: string;
}

type Metrics = Record<string, number | string | boolean>;

/** A key param shows at most this long a value; the node is 220 px wide. */
const MAX_VALUE_CHARS = 28;
/** Lines of figures on a face: the first ones present, in the declared order. */
export const FACE_METRIC_LINES = 3;

export function formatDuration(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(ms >= 10 ? 1 : 2)} ms`;
}

/** A new/old ratio in words: 0.27 -> "3.7× smaller", 1.2 -> "1.20× larger". */
export function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio) || ratio <= 0) return String(ratio);
  if (Math.abs(ratio - 1) < 0.005) return 'unchanged';
  return ratio < 1 ? `${(1 / ratio).toFixed(1)}× smaller` : `${ratio.toFixed(2)}× larger`;
}

/** A difference of two fractions in percentage points, signed: "−0.2 pt", "+1.0 pt". */
export function formatPointsDelta(fractionDelta: number): string {
  const pt = fractionDelta * 100;
  const text = Math.abs(pt).toFixed(1);
  if (text === '0.0') return '±0.0 pt';
  return `${pt < 0 ? '−' : '+'}${text} pt`;
}

export function formatFigure(value: number | string | boolean, format: FaceFormat): string {
  if (typeof value !== 'number') {
    if (format === 'db' && value === 'inf') return '∞ dB (identical)';
    return String(value);
  }
  switch (format) {
    case 'percent': return formatPercent(value);
    case 'ms': return formatDuration(value);
    case 'bytes': return formatBytes(value);
    case 'ratio': return formatRatio(value);
    case 'count': return formatCount(value);
    case 'db': return `${value.toFixed(1)} dB`;
    case 'integer': return Math.round(value).toLocaleString('en-US');
    case 'text': return String(value);
  }
}

function clip(text: string): string {
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}

function lastPathPart(path: string): string {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

function paramText(spec: ParamSpec, value: ParamValue, format: FaceParam['format']): string | null {
  if (format === 'percent' && typeof value === 'number') return formatPercent(value);
  if (format === 'file' && typeof value === 'string') return value ? lastPathPart(value) : null;
  switch (spec.type) {
    case 'enum': return spec.options.find((o) => o.value === value)?.label ?? String(value);
    case 'boolean': return value ? 'on' : 'off';
    case 'number': return typeof value === 'number' ? `${value.toLocaleString('en-US')}${spec.unit ? ` ${spec.unit}` : ''}` : String(value);
    case 'path': return typeof value === 'string' && value ? value : null;
    case 'string-list': return Array.isArray(value) && value.length ? value.join(', ') : null;
    case 'number-map': return typeof value === 'object' && Object.keys(value).length ? `${Object.keys(value).length} set` : null;
    default: return typeof value === 'string' && value ? value : null;
  }
}

function sameValue(a: ParamValue, b: ParamValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A swept param in the face's words: a list that fits ("30.0%, 50.0%"; choices by label, or by
 * value when the labels are too long: "static, dynamic"), else "50.0% … 90.0% (3)".
 */
function sweepText(spec: ParamSpec, sweep: SweepSpec, format: FaceParam['format']): string {
  const raw = sweepValues(sweep, spec);
  const values = raw.map((v) => paramText(spec, v, format) ?? String(v));
  if (values.length < 2) return values.join('');
  const fits = [values.join(', '), ...(spec.type === 'enum' ? [raw.join(', ')] : [])].find((t) => t.length <= MAX_VALUE_CHARS);
  if (sweep.kind === 'list' && fits !== undefined) return fits;
  return `${values[0]} … ${values[values.length - 1]} (${values.length})`;
}

/** Whether `name` applies to some variant: under the base values or one value of one sweep. */
function visibleInSomeVariant(kind: NodeKindSpec, name: string, effective: Params, sweeps: Record<string, SweepSpec>): boolean {
  if (isParamVisible(kind, name, effective)) return true;
  // One sweep at a time covers a param hidden by one swept choice (method 2:4 or magnitude).
  return Object.entries(sweeps).some(([param, sweep]) => sweepValues(sweep, kind.params[param])
    .some((v) => isParamVisible(kind, name, { ...effective, [param]: v })));
}

/**
 * The node's key params that apply (hidden params are not key), in the declared order;
 * a swept param shows its sweep rather than the base value no variant runs with.
 */
export function faceParamLines(kind: NodeKindSpec, params: Params, sweeps: Record<string, SweepSpec> = {}): FaceLine[] {
  const effective = paramsWithDefaults(kind, params);
  const lines: FaceLine[] = [];
  for (const fp of kind.face?.params ?? []) {
    const spec = kind.params[fp.param];
    if (!spec || !visibleInSomeVariant(kind, fp.param, effective, sweeps)) continue;
    const sweep = sweeps[fp.param];
    const value = effective[fp.param];
    if (!sweep && fp.unlessDefault && sameValue(value, spec.default)) continue;
    const text = sweep ? sweepText(spec, sweep, fp.format) : paramText(spec, value, fp.format);
    if (text !== null) lines.push({ key: fp.param, label: fp.label ?? spec.label, text: clip(text) });
  }
  return lines;
}

function metricText(m: FaceMetric, metrics: Metrics): string {
  const value = metrics[m.metric];
  let text = formatFigure(value, m.format);
  const of = m.of !== undefined ? metrics[m.of] : undefined;
  if (of !== undefined) text = `${text}/${formatFigure(of, m.format)}`;
  const base = m.deltaFrom ? metrics[m.deltaFrom.metric] : undefined;
  if (m.deltaFrom && typeof value === 'number' && typeof base === 'number') text = `${text} (${formatPointsDelta(value - base)} ${m.deltaFrom.label})`;
  return text;
}

/** The headline figures of a run: the first FACE_METRIC_LINES declared metrics it reported. */
export function faceMetricLines(kind: NodeKindSpec, params: Params, metrics: Metrics): FaceLine[] {
  const effective = paramsWithDefaults(kind, params);
  const lines: FaceLine[] = [];
  for (const m of kind.face?.metrics ?? []) {
    if (lines.length >= FACE_METRIC_LINES) break;
    if (metrics[m.metric] === undefined) continue;
    if (m.when && !m.when.equals.includes(effective[m.when.param] as never)) continue;
    lines.push({ key: m.metric, label: m.label, text: metricText(m, metrics) });
  }
  return lines;
}
