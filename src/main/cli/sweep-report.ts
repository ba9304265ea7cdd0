// `whittle run` on a swept pipeline: a one-line count of the variants, the Pareto front as
// a table (figures formatted as the app shows them), and with --best the chosen variant
// exported by running it once more (everything but the export comes from the cache).
import type { RunRecord } from '../../shared/api/run.ts';
import { bestVariant, type Constraint } from '../../shared/api/sweep-constraints.ts';
import { measuredMetrics, paretoFront, SWEEP_METRICS, sweepOutcome, type SweepMetric, type SweepOutcome, type VariantOutcome } from '../../shared/api/sweep-results.ts';
import { WhittleError } from '../../shared/errors.ts';
import { exportDocument, variantSettingText } from '../../shared/pipeline/sweep.ts';
import type { ApiService } from '../api/service.ts';

/** The objectives of the front: every measured figure but the drop (it mirrors accuracy). */
export function frontObjectives(variants: readonly VariantOutcome[]): SweepMetric[] {
  return measuredMetrics(variants).filter((m) => m !== 'drop');
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => `  ${r.map((cell, c) => cell.padEnd(widths[c])).join('  ')}`.trimEnd()).join('\n');
}

/** The variants on the front, best accuracy first, one column per setting and figure. */
export function frontTable(outcome: SweepOutcome): string {
  const objectives = frontObjectives(outcome.variants);
  const front = paretoFront(outcome.variants, objectives);
  const rows = outcome.variants.filter((v) => front.has(v.id));
  if (rows.length === 0) return '  (no variant finished with measured figures)';
  const metrics = measuredMetrics(outcome.variants);
  const sorted = [...rows].sort((a, b) => (b.metrics.accuracy ?? 0) - (a.metrics.accuracy ?? 0) || (a.metrics.size ?? 0) - (b.metrics.size ?? 0));
  const header = ['variant', ...outcome.plan.dimensions.map((d) => `${d.nodeId}.${d.param}`), ...metrics.map((m) => SWEEP_METRICS[m].label)];
  const body = sorted.map((v) => [
    v.id,
    ...outcome.plan.dimensions.map((d) => variantSettingText(v, d)),
    ...metrics.map((m) => (v.metrics[m] === undefined ? '—' : SWEEP_METRICS[m].format(v.metrics[m]!))),
  ]);
  return table([header, ...body]);
}

export function sweepSummary(record: RunRecord, outcome: SweepOutcome): string {
  const counts = new Map<string, number>();
  for (const v of outcome.variants) counts.set(v.state, (counts.get(v.state) ?? 0) + 1);
  const states = [...counts].map(([s, n]) => `${n} ${s === 'warning' ? 'done with warnings' : s}`).join(', ');
  const sampled = outcome.plan.variants.length < outcome.plan.productSize ? ` (${outcome.plan.sampling} sample of ${outcome.plan.productSize}, seed ${outcome.plan.seed})` : '';
  const front = paretoFront(outcome.variants, frontObjectives(outcome.variants));
  const over = frontObjectives(outcome.variants).map((m) => SWEEP_METRICS[m].label.toLowerCase()).join(', ');
  return [
    `Run ${record.id}: ${record.status} in ${record.durationMs ?? 0} ms — ${outcome.variants.length} variants${sampled}: ${states}`,
    `Swept: ${outcome.plan.dimensions.map((d) => `${d.label} (${d.values.join(', ')})`).join('; ')}`,
    `Pareto front over ${over || 'nothing measured'} (${front.size} of ${outcome.variants.length}):`,
    frontTable(outcome),
  ].join('\n');
}

/** MACs of each variant's model (needed only when a constraint or column asks for them). */
async function variantMacs(api: ApiService, record: RunRecord): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const v of sweepOutcome(record)?.variants ?? []) {
    if (!v.model) continue;
    const inspection = await api.call('models.inspect', { runId: record.id, nodeId: v.model.nodeId, port: v.model.port });
    out[`${v.model.nodeId}/${v.model.port}`] = inspection.macs;
  }
  return out;
}

export interface BestExport {
  variant: VariantOutcome;
  runId: string;
  /** Files the export run wrote. */
  written: string[];
}

/**
 * Pick the best variant under `constraints` and export its model by running the winner
 * document (`start` starts a run and resolves with its final record).
 */
export async function exportBest(api: ApiService, record: RunRecord, constraints: readonly Constraint[], start: (doc: RunRecord['document']) => Promise<RunRecord>): Promise<BestExport> {
  const source = record.sweepSource;
  if (!record.sweep || !source) throw new WhittleError('sweep.not-a-sweep', '--best needs a swept pipeline: this one sweeps no parameter.', 'Set a sweep on a parameter (a list or a range) or drop --best.');
  const macs = constraints.some((c) => c.metric === 'macs') ? await variantMacs(api, record) : {};
  const outcome = sweepOutcome(record, macs)!;
  const variant = bestVariant(outcome.variants, constraints);
  if (!variant.model) throw new WhittleError('sweep.no-model', `Variant ${variant.id} produced no model to export.`, 'Sweep a pipeline whose variants produce a model.');
  const variantPlan = record.sweep.variants.find((v) => v.id === variant.id)!;
  const doc = exportDocument(source, variantPlan, variant.model, `best/${variant.id}.onnx`);
  const run = await start(doc);
  if (run.status !== 'done') {
    const failed = Object.values(run.nodes).find((n) => n.error);
    throw new WhittleError('sweep.export-failed', `Exporting variant ${variant.id} failed${failed?.error ? `: ${failed.error.message}` : ` (run ${run.status})`}.`, 'Run the pipeline with that variant\'s settings to see the failing node.');
  }
  const written = Object.values(run.nodes).filter((n) => n.kind === 'export').flatMap((n) => Object.entries(n.metrics).filter(([k, v]) => k.endsWith('Path') && typeof v === 'string').map(([, v]) => String(v)));
  return { variant, runId: run.id, written };
}
