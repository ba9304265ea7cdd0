// Which variants the sweep view shows: values of swept params switched off, failed variants
// hidden, or only the Pareto front. Pure, so the view's parts all read the same selection.
import type { VariantOutcome } from '../../../shared/api/sweep-results.ts';

export interface SweepFilter {
  /** `${nodeId}.${param}` -> values (as text) left out. */
  excluded: Record<string, string[]>;
  hideUnfinished: boolean;
  frontOnly: boolean;
}

export const NO_FILTER: SweepFilter = { excluded: {}, hideUnfinished: false, frontOnly: false };

export function filterVariants(variants: readonly VariantOutcome[], filter: SweepFilter, front: ReadonlySet<string>): VariantOutcome[] {
  return variants.filter((v) => {
    if (filter.hideUnfinished && v.state !== 'done' && v.state !== 'warning') return false;
    if (filter.frontOnly && !front.has(v.id)) return false;
    return Object.entries(filter.excluded).every(([key, values]) => !values.includes(String(v.settings[key])));
  });
}

/** The filter with one value of one setting switched on or off. */
export function toggleValue(filter: SweepFilter, key: string, value: string): SweepFilter {
  const current = filter.excluded[key] ?? [];
  const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
  return { ...filter, excluded: { ...filter.excluded, [key]: next } };
}
