// "Best under constraints": limits on accuracy drop, host latency, size (and board latency
// when measured) pick the most accurate variant within them all; its model is exported by
// running the variant once more with an export node (useExportVariant).
import { useMemo, useState } from 'react';
import type { RunRecord } from '../../../shared/api/run.ts';
import { bestVariant, parseConstraints } from '../../../shared/api/sweep-constraints.ts';
import { SWEEP_METRICS, type SweepMetric, type VariantOutcome } from '../../../shared/api/sweep-results.ts';
import { useExportVariant } from './useExportVariant.ts';

interface Props {
  run: RunRecord;
  variants: readonly VariantOutcome[];
  measured: readonly SweepMetric[];
  settingsText(v: VariantOutcome): string;
  onPick(id: string | null): void;
}

/** The limits the panel offers: figure, label, unit written into the constraint string. */
const LIMITS: { metric: SweepMetric; name: string; label: string; unit: string }[] = [
  { metric: 'drop', name: 'drop', label: 'Max accuracy drop (pp)', unit: '' },
  { metric: 'latency', name: 'p50', label: 'Max host p50 (ms)', unit: 'ms' },
  { metric: 'size', name: 'size', label: 'Max size (KB)', unit: 'KB' },
  { metric: 'board', name: 'board', label: 'Max board p50 (ms)', unit: 'ms' },
];

function pick(variants: readonly VariantOutcome[], text: string): { best?: VariantOutcome; error?: string } {
  try {
    return text === '' ? { best: bestVariant(variants, []) } : { best: bestVariant(variants, parseConstraints(text)) };
  } catch (err) {
    const e = err as { message?: string; hint?: string };
    return { error: `${e.message ?? String(err)}${e.hint ? ` ${e.hint}` : ''}` };
  }
}

export function BestUnderConstraints({ run, variants, measured, settingsText, onPick }: Props) {
  const [limits, setLimits] = useState<Record<string, string>>({});
  const offered = LIMITS.filter((l) => measured.includes(l.metric));
  const text = offered.filter((l) => (limits[l.name] ?? '').trim() !== '').map((l) => `${l.name}<=${limits[l.name].trim()}${l.unit}`).join(',');
  const { best, error } = useMemo(() => pick(variants, text), [variants, text]);
  const { state, exportVariant } = useExportVariant(run);
  const busy = state.status === 'running';
  return (
    <section className="wh-sweep-best" data-testid="sweep-best">
      <h3>Best under constraints</h3>
      <div className="wh-sweep-best__limits">
        {offered.map((l) => (
          <label key={l.name} className="wh-sweep-best__limit">
            <span>{l.label}</span>
            <input className="wh-input" type="number" min={0} step="any" value={limits[l.name] ?? ''} placeholder="no limit" onChange={(e) => setLimits({ ...limits, [l.name]: e.target.value })} data-testid={`sweep-limit-${l.name}`} />
          </label>
        ))}
      </div>
      {error && <p className="wh-error" data-testid="sweep-best-error">{error}</p>}
      {best && (
        <div className="wh-sweep-best__winner" data-testid="sweep-best-winner" data-variant={best.id}>
          <strong>{best.id}</strong> — {settingsText(best)}
          <div className="wh-muted">{measured.filter((m) => best.metrics[m] !== undefined).map((m) => `${SWEEP_METRICS[m].label} ${SWEEP_METRICS[m].format(best.metrics[m]!)}`).join(' · ')}</div>
          <div className="wh-sweep-best__actions">
            <button type="button" className="wh-btn" onClick={() => onPick(best.id)} data-testid="sweep-best-show">Show in charts</button>
            <button type="button" className="wh-btn wh-btn--primary" disabled={busy || run.status === 'running'} onClick={() => void exportVariant(best)} data-testid="sweep-best-export">
              {busy ? 'Exporting…' : `Export ${best.id}`}
            </button>
          </div>
        </div>
      )}
      {state.status === 'done' && (
        <p className="wh-sweep-best__done" data-testid="sweep-export-done">
          Exported {state.variantId} to {state.files.length > 0 ? state.files.map((f) => <code key={f}>{f}</code>) : 'the export node’s path'} (run {state.runId}).
        </p>
      )}
      {state.status === 'failed' && <p className="wh-error" data-testid="sweep-export-error">Export of {state.variantId} failed: {state.message}</p>}
    </section>
  );
}
