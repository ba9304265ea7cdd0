// Which combinations of swept values a run makes: all of them, a seeded uniform sample, or
// a seeded Latin hypercube. A combination is one value index per swept param.
import { WhittleError } from '../errors.ts';
import { seededRandom } from '../random.ts';
import type { SweepSettings } from './sweep-spec.ts';
import { overBudget } from './sweep-values.ts';

export type Combination = number[];

/** How many combinations `sizes` make (may exceed 2^53 in theory; the caller caps it). */
export function productSize(sizes: readonly number[]): number {
  return sizes.reduce((n, s) => n * s, 1);
}

/** Flat index (first param slowest) -> one index per param. */
export function decode(flat: number, sizes: readonly number[]): Combination {
  const out = new Array<number>(sizes.length);
  let rest = flat;
  for (let d = sizes.length - 1; d >= 0; d--) {
    out[d] = rest % sizes[d];
    rest = Math.floor(rest / sizes[d]);
  }
  return out;
}

function allCombinations(sizes: readonly number[]): Combination[] {
  const total = productSize(sizes);
  return Array.from({ length: total }, (_, i) => decode(i, sizes));
}

/** `count` distinct flat indices below `total`, uniformly (Floyd's algorithm), ascending. */
function sampleIndices(total: number, count: number, random: () => number): number[] {
  const chosen = new Set<number>();
  for (let j = total - count; j < total; j++) {
    const t = Math.floor(random() * (j + 1));
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen].sort((a, b) => a - b);
}

function shuffled(n: number, random: () => number): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * A Latin hypercube of `count` points over the value indices: each param's value range is
 * cut into `count` equal strata and every stratum holds exactly one point, so each param is
 * covered evenly whatever the others do. Points that land on the same values are kept once.
 */
export function latinHypercube(sizes: readonly number[], count: number, seed: number): Combination[] {
  const random = seededRandom(seed);
  const strata = sizes.map(() => shuffled(count, random));
  const seen = new Set<string>();
  const out: Combination[] = [];
  for (let j = 0; j < count; j++) {
    const combo = sizes.map((m, d) => Math.min(m - 1, Math.floor(((strata[d][j] + random()) * m) / count)));
    const key = combo.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(combo);
  }
  return out;
}

/**
 * The combinations a run makes. A product within the budget is made whole whatever the
 * sampling (a sample of it could only miss some); a larger product is refused unless sampled.
 */
export function sampleCombinations(sizes: readonly number[], settings: SweepSettings, describeSizes: string): Combination[] {
  const total = productSize(sizes);
  if (total <= settings.maxVariants) return allCombinations(sizes);
  if (settings.sampling === 'product') {
    const { message, hint } = overBudget(total, settings.maxVariants, describeSizes);
    throw new WhittleError('sweep.too-many-variants', message, hint);
  }
  if (settings.sampling === 'random') return sampleIndices(total, settings.maxVariants, seededRandom(settings.seed)).map((i) => decode(i, sizes));
  return latinHypercube(sizes, settings.maxVariants, settings.seed);
}
