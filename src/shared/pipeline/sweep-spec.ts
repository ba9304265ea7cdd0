// A sweep in place of one param value (document version 3): a list of values, or a linear or
// log range over a number param; and the document's sampling settings: their schemas. The
// values a sweep stands for, and why a sweep does not suit its param: sweep-values.ts.
import { z } from 'zod';
import { MAX_SWEEP_STEPS, MAX_SWEEP_VARIANTS, SWEEP_SAMPLINGS } from './sweep-values.ts';

export { MAX_SWEEP_STEPS, MAX_SWEEP_VARIANTS, SWEEP_SAMPLINGS, DEFAULT_SWEEP_SETTINGS, sweepValues, checkSweep, sweepCounts, overBudget, describeSweep } from './sweep-values.ts';
export type { SweepSampling, SweepCounts } from './sweep-values.ts';

export const SweepSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('list'), values: z.array(z.union([z.number(), z.string()])).min(1, 'A sweep list needs at least one value.') }),
  z.strictObject({ kind: z.literal('linear'), start: z.number(), stop: z.number(), steps: z.number().int().min(2).max(MAX_SWEEP_STEPS) }),
  z.strictObject({ kind: z.literal('log'), start: z.number().positive(), stop: z.number().positive(), steps: z.number().int().min(2).max(MAX_SWEEP_STEPS) }),
]);
export type SweepSpec = z.output<typeof SweepSpecSchema>;
export type SweepValue = number | string;

/**
 * How a run picks variants: every combination (`product`, refused above `maxVariants`), or
 * `maxVariants` of them drawn with `seed` (`random`, or `lhs`: a Latin hypercube, each
 * param's values covered evenly). A product no larger than the budget is always run whole.
 */
export const SweepSettingsSchema = z.strictObject({
  sampling: z.enum(SWEEP_SAMPLINGS).default('product'),
  maxVariants: z.number().int().min(1).max(MAX_SWEEP_VARIANTS).default(64),
  seed: z.number().int().default(1),
});
export type SweepSettings = z.output<typeof SweepSettingsSchema>;
