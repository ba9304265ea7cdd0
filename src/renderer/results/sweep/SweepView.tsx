// The results of a sweep run: how far its variants are, every variant as a point over two
// chosen figures with their Pareto front, settings -> outcome as parallel coordinates,
// filters on the swept values, the variants table, and the best variant under limits.
import { useMemo, useState } from 'react';
import type { RunRecord } from '../../../shared/api/run.ts';
import { measuredMetrics, paretoFront, SWEEP_METRICS, sweepOutcome, type SweepMetric, type VariantOutcome } from '../../../shared/api/sweep-results.ts';
import { variantSettingText } from '../../../shared/pipeline/sweep.ts';
import { useApi } from '../../api/useApi.ts';
import { BestUnderConstraints } from './BestUnderConstraints.tsx';
import { ParallelCoordinates } from './ParallelCoordinates.tsx';
import { SweepFilters } from './SweepFilters.tsx';
import { SweepScatter } from './SweepScatter.tsx';
import { VariantTable } from './VariantTable.tsx';
import { filterVariants, NO_FILTER, type SweepFilter } from './sweepFilters.ts';
import { useVariantMacs } from './useVariantMacs.ts';
import './sweep-view.css';

const AXES: SweepMetric[] = ['accuracy', 'drop', 'size', 'macs', 'latency', 'board'];

function AxisPicker({ label, value, onChange, testId }: { label: string; value: SweepMetric; onChange(m: SweepMetric): void; testId: string }) {
  return (
    <label className="wh-sweep-axis">
      {label}{' '}
      <select className="wh-input" value={value} onChange={(e) => onChange(e.target.value as SweepMetric)} data-testid={testId}>
        {AXES.map((m) => <option key={m} value={m}>{SWEEP_METRICS[m].label}</option>)}
      </select>
    </label>
  );
}

function Progress({ run, variants }: { run: RunRecord; variants: readonly VariantOutcome[] }) {
  const api = useApi();
  const count = (s: VariantOutcome['state']) => variants.filter((v) => v.state === s).length;
  const ended = variants.filter((v) => v.state !== 'queued' && v.state !== 'running').length;
  const plan = run.sweep!;
  const sampled = plan.variants.length < plan.productSize ? ` (${plan.sampling === 'lhs' ? 'Latin hypercube' : 'random'} sample of ${plan.productSize}, seed ${plan.seed})` : '';
  return (
    <div className="wh-sweep-progress" data-testid="sweep-progress" data-running={count('running')} data-ended={ended}>
      <strong>{variants.length} variants{sampled}</strong>
      <progress max={variants.length} value={ended} />
      <span>{(['done', 'warning', 'running', 'queued', 'failed', 'cancelled'] as const).filter((s) => count(s) > 0).map((s) => `${count(s)} ${s === 'warning' ? 'with warnings' : s}`).join(' · ')}</span>
      {run.status === 'running' && (
        <button type="button" className="wh-btn wh-btn--small" onClick={() => void api.call('runs.cancel', { runId: run.id })} data-testid="sweep-cancel">Cancel sweep</button>
      )}
    </div>
  );
}

export function SweepView({ run }: { run: RunRecord }) {
  const [x, setX] = useState<SweepMetric>('size');
  const [y, setY] = useState<SweepMetric>('accuracy');
  const [filter, setFilter] = useState<SweepFilter>(NO_FILTER);
  const [selected, setSelected] = useState<string | null>(null);
  const base = useMemo(() => sweepOutcome(run), [run]);
  const macs = useVariantMacs(run.id, base?.variants ?? [], x === 'macs' || y === 'macs');
  const outcome = useMemo(() => (Object.keys(macs).length > 0 ? sweepOutcome(run, macs) : base), [run, base, macs]);
  if (!outcome) return null;
  const measured = measuredMetrics(outcome.variants);
  const front = paretoFront(outcome.variants, [x, y]);
  const shown = filterVariants(outcome.variants, filter, front);
  const settingsText = (v: VariantOutcome) => outcome.plan.dimensions.map((d) => `${d.label} ${variantSettingText(v, d)}`).join(', ');
  return (
    <div className="wh-sweep-view" data-testid="sweep-view">
      <Progress run={run} variants={outcome.variants} />
      {outcome.baselineAccuracy !== undefined && <p className="wh-muted">Accuracy drops are against the source model’s {SWEEP_METRICS.accuracy.format(outcome.baselineAccuracy)}.</p>}
      <SweepFilters dimensions={outcome.plan.dimensions} filter={filter} onChange={setFilter} shown={shown.length} total={outcome.variants.length} />
      <div className="wh-sweep-axes">
        <AxisPicker label="X" value={x} onChange={setX} testId="sweep-axis-x" />
        <AxisPicker label="Y" value={y} onChange={setY} testId="sweep-axis-y" />
      </div>
      <div className="wh-sweep-charts">
        <SweepScatter variants={shown} x={x} y={y} selected={selected} onSelect={setSelected} settingsText={settingsText} />
        <BestUnderConstraints run={run} variants={shown} measured={measured} settingsText={settingsText} onPick={setSelected} />
      </div>
      <ParallelCoordinates dimensions={outcome.plan.dimensions} metrics={measured.filter((m) => m !== 'drop')} variants={shown} selected={selected} onSelect={setSelected} />
      <VariantTable dimensions={outcome.plan.dimensions} metrics={measured} variants={shown} front={front} selected={selected} onSelect={setSelected} />
    </div>
  );
}
