// Fidelity guard of static int8: measure the result against the float model (output SQNR and
// top-1 agreement on the calibration samples). Below the floor, find the layer that loses
// most by per-layer SQNR and apply the safe fix when there is one (a layer whose weight
// scale had to grow so its int32 bias fits goes back to float); otherwise warn with the
// cause and the param that fixes it, measured.
import type { Dataset } from '../../data/dataset.ts';
import { fidelityMiss, formatDb, FIDELITY_FLOOR } from '../fidelity.ts';
import { spreadSamples } from './collect.ts';
import { buildStatic, finishReport, uncalibrated, type BuiltStatic, type Calibrated } from './static.ts';
import { checkOutputs } from './sqnr.ts';
import type { ExclusionOptions, PassContext, QuantizeReport, StaticOptions } from './types.ts';

/** Layers returned to float automatically before the guard gives up and warns. */
const MAX_FIXES = 3;

interface Culprit {
  node: string;
  opType: string;
  inDb: number;
  outDb: number;
}

function miss(report: QuantizeReport): string | undefined {
  return report.outputs ? fidelityMiss({ sqnrDb: report.outputs.int8VsFloatDb, agreement: report.outputs.top1Agreement }) : undefined;
}

export async function guardFidelity(cal: Calibrated, options: StaticOptions, ctx: PassContext, ds: Dataset): Promise<{ built: BuiltStatic; report: QuantizeReport }> {
  let exclusions: ExclusionOptions = options;
  let built = buildStatic(cal, exclusions);
  if (built.plan.nodes.length === 0) built.warnings.push('Nothing in this model could be quantized; the result computes in float.');
  let report = await finishReport(cal, built, options, ctx, ds);
  const kept: { node: string; reason: string }[] = [];
  for (let round = 0; round < MAX_FIXES && miss(report); round++) {
    const fit = biasCulprit(built, report, cal);
    // A fix whose plan needs ranges this calibration did not gather is left to the floor warning.
    if (!fit || uncalibrated(cal, { ...exclusions, excludeNodes: [...(exclusions.excludeNodes ?? []), fit.node] }).length > 0) break;
    const reason = `its bias does not fit int32 at input scale x weight scale, and raising its weight scale ${formatRatio(fit.ratio)} to fit it left its weights ${formatDb(fit.weightSqnrDb)} SQNR (${miss(report)})`;
    kept.push({ node: fit.node, reason });
    exclusions = { ...exclusions, excludeNodes: [...(exclusions.excludeNodes ?? []), fit.node] };
    ctx.progress?.(round + 1, MAX_FIXES, `fidelity guard: keeping ${fit.opType} '${fit.node}' in float`);
    built = buildStatic(cal, exclusions);
    report = await finishReport(cal, built, options, ctx, ds);
  }
  report.keptInFloat = kept;
  for (const k of kept) report.notes!.unshift(`Kept '${k.node}' in float: ${k.reason}.`);
  const stillMissing = miss(report);
  if (stillMissing) report.warnings.unshift(await floorWarning(cal, built, report, exclusions, options, ds, stillMissing));
  return { built, report };
}

/**
 * A layer whose bias fix is to blame: one whose raised weight scale left its weights under the
 * floor (worst first), or else the layer that adds the most noise when its scale was raised.
 * Output SQNR alone can miss it: a large constant bias dominates the signal while the
 * crushed weights decide the top-1 class.
 */
function biasCulprit(built: BuiltStatic, report: QuantizeReport, cal: Calibrated): BuiltStatic['biasFits'][number] | undefined {
  const crushed = built.biasFits.filter((f) => f.weightSqnrDb < FIDELITY_FLOOR.sqnrDb).sort((a, b) => a.weightSqnrDb - b.weightSqnrDb);
  if (crushed.length > 0) return crushed[0];
  const worst = worstLayer(built, report, cal);
  return worst && built.biasFits.find((f) => f.node === worst.node);
}

function formatRatio(r: number): string {
  return r >= 100 ? `${r.toExponential(1)}x` : `${r.toFixed(2)}x`;
}

/** The quantized compute layer that adds the most noise: 1/SQNR(out) - 1/SQNR(in), in linear power. */
function worstLayer(built: BuiltStatic, report: QuantizeReport, cal: Calibrated): Culprit | undefined {
  const sqnr = new Map(report.tensors.filter((t) => t.kind === 'activation' && t.sqnrDb !== undefined).map((t) => [t.tensor, t.sqnrDb!]));
  const graphOutputs = new Set(cal.normalized.graph.output.map((o) => o.name));
  const dbOf = (t: string | undefined): number => {
    if (t && sqnr.has(t)) return sqnr.get(t)!;
    if (t && graphOutputs.has(t) && report.outputs) return report.outputs.int8VsFloatDb;
    return Number.POSITIVE_INFINITY;
  };
  const noise = (db: number): number => (Number.isFinite(db) ? 10 ** (-db / 10) : db > 0 ? 0 : Number.MAX_VALUE);
  let worst: (Culprit & { score: number }) | undefined;
  for (const p of built.plan.nodes) {
    if (p.role !== 'compute') continue;
    const inDb = dbOf(p.node.input[0]);
    const outDb = dbOf(p.quantizedOutput ?? p.folded?.output[0] ?? p.node.output[0]);
    const score = noise(outDb) - noise(inDb);
    if (!worst || score > worst.score) worst = { node: p.node.name, opType: p.node.opType, inDb, outDb, score };
  }
  return worst;
}

/** The warning for a result still under the floor: figures, the culprit, why, and the measured fix. */
async function floorWarning(cal: Calibrated, built: BuiltStatic, report: QuantizeReport, exclusions: ExclusionOptions, options: StaticOptions, ds: Dataset, missing: string): Promise<string> {
  const out = report.outputs!;
  const head = `Below the fidelity floor (${FIDELITY_FLOOR.sqnrDb} dB / ${100 * FIDELITY_FLOOR.agreement}% top-1 agreement): ${missing}, against the float model on ${out.samples ?? ''} calibration samples.`;
  const culprit = worstLayer(built, report, cal);
  if (!culprit) return `${head} No quantized layer stands out in the per-layer SQNR.`;
  const weight = report.tensors.find((t) => t.kind === 'weight' && t.producer === culprit.node);
  const fit = built.biasFits.find((f) => f.node === culprit.node);
  const why = fit
    ? `its bias does not fit int32 at input scale x weight scale; its weight scale was raised ${formatRatio(fit.ratio)} to fit it (weight SQNR ${formatDb(fit.weightSqnrDb)})`
    : weight?.sqnrDb !== undefined && weight.sqnrDb < FIDELITY_FLOOR.sqnrDb
    ? `its int8 weights keep only ${formatDb(weight.sqnrDb)} of their values (a few large weights set the scale)`
    : `the noise grows most there (${formatDb(culprit.inDb)} at its input, ${formatDb(culprit.outDb)} at its output)`;
  const trialExclusions = { ...exclusions, excludeNodes: [...(exclusions.excludeNodes ?? []), culprit.node] };
  const needed = uncalibrated(cal, trialExclusions);
  if (needed.length > 0) {
    // Measuring the fix would need ranges for values this calibration did not gather.
    return `${head} The layer that loses most is ${culprit.opType} '${culprit.node}': ${why}. Keeping it in float (excludeNodes: ['${culprit.node}']) may help; run again with it to measure (it then calibrates '${needed[0]}'${needed.length > 1 ? ` and ${needed.length - 1} more value(s)` : ''} as well).`;
  }
  const trial = buildStatic(cal, trialExclusions);
  const samples = options.sqnrSamples ?? 32;
  const check = await checkOutputs(cal.normalized, trial.model, cal.inputName, spreadSamples(ds, samples), samples, cal.fixedBatch);
  const agreement = check.top1Agreement !== undefined ? `, ${(100 * check.top1Agreement).toFixed(0)}% agreement` : '';
  const trialMiss = fidelityMiss({ sqnrDb: check.int8VsFloatDb, agreement: check.top1Agreement });
  const fix = `Keeping it in float (excludeNodes: ['${culprit.node}']) gives ${formatDb(check.int8VsFloatDb)}${agreement}`;
  if (!trialMiss) return `${head} The layer that loses most is ${culprit.opType} '${culprit.node}': ${why}. ${fix}, above the floor.`;
  const calibrationHint = (cal.settings.method === 'minmax')
    ? ' The calibrated ranges are the likelier cause: a few calibration values far outside the rest stretch a MinMax range; set method to "percentile" or "entropy".'
    : ' The error is spread over several layers: use accuracy-aware mode (accuracyAware) to return the most harmful layers to float.';
  return `${head} The layer that loses most is ${culprit.opType} '${culprit.node}': ${why}. ${fix}, still under the floor.${calibrationHint}`;
}
