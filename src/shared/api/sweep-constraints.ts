// "Best under constraints": a constraint string such as 'drop<=0.5,p50<=5ms,size<=100KB'
// parsed into limits (with errors that name the bad part), and the variant that meets them
// all with the highest accuracy (then the smallest, then the fastest).
import { WhittleError } from '../errors.ts';
import { SWEEP_METRICS, type SweepMetric, type VariantOutcome } from './sweep-results.ts';

export type ConstraintOp = '<=' | '<' | '>=' | '>';

export interface Constraint {
  metric: SweepMetric;
  op: ConstraintOp;
  /** In the metric's base unit: fraction (accuracy), percentage points (drop), bytes, MACs, ms. */
  value: number;
  /** The part of the string it came from, for messages. */
  text: string;
}

const METRIC_NAMES: Record<string, SweepMetric> = {
  drop: 'drop', accuracy: 'accuracy', acc: 'accuracy', top1: 'accuracy', size: 'size', bytes: 'size',
  macs: 'macs', p50: 'latency', latency: 'latency', host: 'latency', board: 'board', 'board-p50': 'board',
};

const UNITS: Record<SweepMetric, Record<string, number>> = {
  accuracy: { '': 1, '%': 0.01 },
  drop: { '': 1, pp: 1, '%': 1 },
  size: { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 },
  macs: { '': 1, k: 1e3, m: 1e6, g: 1e9 },
  latency: { '': 1, ms: 1, s: 1000, us: 1e-3, 'µs': 1e-3 },
  board: { '': 1, ms: 1, s: 1000, us: 1e-3, 'µs': 1e-3 },
};

const SYNTAX_HINT = "Write limits separated by commas, e.g. 'drop<=0.5,p50<=5ms,size<=200KB'. Names: drop (accuracy drop in percentage points), accuracy, size, macs, p50 (host latency), board (board latency).";

function bad(part: string, why: string): WhittleError {
  return new WhittleError('sweep.bad-constraint', `The constraint "${part}" ${why}.`, SYNTAX_HINT);
}

function parseOne(part: string): Constraint {
  const m = /^([a-z0-9-]+)\s*(<=|>=|<|>|=<|=>)\s*([-+]?[0-9]*\.?[0-9]+(?:e[-+]?\d+)?)\s*([a-zµ%]*)$/i.exec(part);
  if (!m) return parseFailure(part);
  const metric = METRIC_NAMES[m[1].toLowerCase()];
  if (!metric) throw bad(part, `names "${m[1]}", which is not a measured figure`);
  const op = (m[2] === '=<' ? '<=' : m[2] === '=>' ? '>=' : m[2]) as ConstraintOp;
  const unit = m[4].toLowerCase();
  const factor = UNITS[metric][unit];
  if (factor === undefined) {
    const known = Object.keys(UNITS[metric]).filter(Boolean).join(', ');
    throw bad(part, `has the unit "${m[4]}", which does not fit ${SWEEP_METRICS[metric].label.toLowerCase()} (use ${known || 'no unit'})`);
  }
  // Dividing by 100 (not multiplying by 0.01) keeps 95% exactly 0.95.
  const value = factor < 1 ? Number(m[3]) / Math.round(1 / factor) : Number(m[3]) * factor;
  if (metric === 'accuracy' && unit === '' && value > 1) throw bad(part, 'gives an accuracy above 1: write it as a fraction (0.95) or a percentage (95%)');
  return { metric, op, value, text: part };
}

function parseFailure(part: string): never {
  const op = /(<=|>=|=<|=>|<|>)/.exec(part);
  if (!op) throw bad(part, 'has no comparison (<=, <, >= or >)');
  if (!/\d/.test(part.slice(op.index))) throw bad(part, 'has no number to compare with');
  throw bad(part, 'is not of the form name<=number[unit]');
}

/** Parse 'drop<=0.5,p50<=5ms'. Throws a WhittleError naming the malformed part. */
export function parseConstraints(text: string): Constraint[] {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.every((p) => p === '')) throw new WhittleError('sweep.bad-constraint', 'The constraint string is empty.', SYNTAX_HINT);
  return parts.map((p) => {
    if (p === '') throw new WhittleError('sweep.bad-constraint', `The constraint string "${text}" has an empty part between commas.`, SYNTAX_HINT);
    return parseOne(p);
  });
}

export function meetsConstraint(v: VariantOutcome, c: Constraint): boolean {
  const x = v.metrics[c.metric];
  if (x === undefined) return false;
  switch (c.op) {
    case '<=': return x <= c.value;
    case '<': return x < c.value;
    case '>=': return x >= c.value;
    case '>': return x > c.value;
  }
}

/** Better first: higher accuracy, then smaller size, then lower host latency; ids break ties. */
export function compareVariants(a: VariantOutcome, b: VariantOutcome): number {
  const keys: [SweepMetric, number][] = [['accuracy', -1], ['size', 1], ['latency', 1], ['board', 1]];
  for (const [m, sign] of keys) {
    const x = a.metrics[m];
    const y = b.metrics[m];
    if (x !== undefined && y !== undefined && x !== y) return sign * (x - y);
    if ((x === undefined) !== (y === undefined)) return x === undefined ? 1 : -1;
  }
  return a.id.localeCompare(b.id, undefined, { numeric: true });
}

const WHAT_MEASURES: Record<SweepMetric, string> = {
  accuracy: 'an Evaluate node on the compressed model',
  drop: 'an Evaluate node on the compressed model and one on the source model',
  size: 'a node producing a model',
  macs: 'model statistics (MACs)',
  latency: 'a Benchmark node on the compressed model',
  board: 'a Profile node on the compressed model',
};

/**
 * The best finished variant meeting every constraint. Throws a WhittleError when no variant
 * has a figure a constraint needs, or when none meets them all (naming the closest miss).
 */
export function bestVariant(variants: readonly VariantOutcome[], constraints: readonly Constraint[]): VariantOutcome {
  const finished = variants.filter((v) => v.state === 'done' || v.state === 'warning');
  if (finished.length === 0) throw new WhittleError('sweep.no-variants', 'No variant of the sweep has finished, so none can be chosen yet.', 'Wait for the run; if it has ended, its variants failed or were cancelled: open one of their nodes to see why.');
  for (const c of constraints) {
    if (!finished.some((v) => v.metrics[c.metric] !== undefined)) {
      throw new WhittleError('sweep.constraint-unmeasured', `No variant has a ${SWEEP_METRICS[c.metric].label.toLowerCase()} to check "${c.text}" against.`, `Add ${WHAT_MEASURES[c.metric]} to the pipeline, or drop that limit.`);
    }
  }
  const fits = finished.filter((v) => constraints.every((c) => meetsConstraint(v, c)));
  if (fits.length === 0) {
    const misses = constraints.map((c) => ({ c, n: finished.filter((v) => !meetsConstraint(v, c)).length })).sort((a, b) => b.n - a.n);
    throw new WhittleError('sweep.none-fits', `None of the ${finished.length} finished variants meets ${constraints.map((c) => c.text).join(', ')} (${misses[0].n} miss "${misses[0].c.text}").`, 'Loosen a limit, or sweep other settings.');
  }
  return [...fits].sort(compareVariants)[0];
}
