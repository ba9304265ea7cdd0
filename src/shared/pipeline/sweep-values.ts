// The values a sweep stands for, why a sweep does not suit its param, and how many variants
// sweeps make: for every reader. Free of the schemas (sweep-spec.ts), so the editor's first
// bundle does not load zod to show a node face (bench:editor).
import type { ParamSpec } from '../catalog/types.ts';
import { checkParamValue } from './params.ts';
import type { SweepSettings, SweepSpec, SweepValue } from './sweep-spec.ts';

/** Steps of one range, and variants of one run: bounds that keep a run plannable. */
export const MAX_SWEEP_STEPS = 256;
export const MAX_SWEEP_VARIANTS = 1000;

export const SWEEP_SAMPLINGS = ['product', 'random', 'lhs'] as const;
export type SweepSampling = (typeof SWEEP_SAMPLINGS)[number];

export const DEFAULT_SWEEP_SETTINGS: SweepSettings = { sampling: 'product', maxVariants: 64, seed: 1 };

/** 12 significant digits: 0.1 + 0.2 steps read 0.3, not 0.30000000000000004. */
function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

function rangeValues(sweep: Extract<SweepSpec, { kind: 'linear' | 'log' }>): number[] {
  const out: number[] = [];
  const last = sweep.steps - 1;
  for (let i = 0; i < sweep.steps; i++) {
    const t = i / last;
    out.push(sweep.kind === 'linear'
      ? sweep.start + (sweep.stop - sweep.start) * t
      : Math.exp(Math.log(sweep.start) + (Math.log(sweep.stop) - Math.log(sweep.start)) * t));
  }
  return out;
}

/**
 * The values a sweep stands for, in order, without repeats. A range over a whole-number param
 * rounds to whole numbers (k from 4 to 64 in 5 log steps is 4, 8, 16, 32, 64).
 */
export function sweepValues(sweep: SweepSpec, param?: ParamSpec): SweepValue[] {
  const raw: SweepValue[] = sweep.kind === 'list' ? sweep.values : rangeValues(sweep);
  const integer = param?.type === 'number' && param.integer === true;
  const values = raw.map((v) => (typeof v === 'number' ? (integer && sweep.kind !== 'list' ? Math.round(v) : tidy(v)) : v));
  return [...new Set(values)];
}

/** Why `sweep` cannot stand for `param` (a phrase: "cannot be swept: ..."), or null when it can. */
export function checkSweep(param: ParamSpec, sweep: SweepSpec): string | null {
  if (param.type !== 'number' && param.type !== 'enum') return 'cannot be swept: only numbers and choices can';
  if (param.type === 'enum' && sweep.kind !== 'list') return 'is a choice: sweep it with a list of options';
  for (const value of sweepValues(sweep, param)) {
    const why = checkParamValue(param, value);
    if (why) return `sweep value ${JSON.stringify(value)} ${why}`;
  }
  return null;
}

export interface SweepCounts {
  /** Combinations of all swept values (1 without sweeps). */
  combinations: number;
  /** Variants a run makes (a sample may make fewer, where points coincide); null: over the budget. */
  variants: number | null;
}

/** How many variants the sweeps make under `settings` (`valueCounts`: values per swept param). */
export function sweepCounts(valueCounts: readonly number[], settings: SweepSettings = DEFAULT_SWEEP_SETTINGS): SweepCounts {
  const combinations = valueCounts.reduce((n, c) => n * c, 1);
  if (combinations <= settings.maxVariants) return { combinations, variants: combinations };
  return { combinations, variants: settings.sampling === 'product' ? null : settings.maxVariants };
}

/** The sentence and hint for a product of sweeps over the budget (validation and run start). */
export function overBudget(combinations: number, maxVariants: number, detail = ''): { message: string; hint: string } {
  return {
    message: `The sweeps make ${combinations} variants${detail ? ` (${detail})` : ''}; the budget is ${maxVariants}.`,
    hint: `Raise "At most" (maxVariants, up to ${MAX_SWEEP_VARIANTS}), sweep fewer values, or sample: random or Latin hypercube runs that many variants.`,
  };
}

/** "0.3, 0.5, 0.7" or "0.1 … 10 (log, 5 steps)", for the inspector and tables. */
export function describeSweep(sweep: SweepSpec): string {
  if (sweep.kind === 'list') return sweep.values.map(String).join(', ');
  return `${sweep.start} … ${sweep.stop} (${sweep.kind}, ${sweep.steps} steps)`;
}
