// The document's sweep settings, under any sweep editor: how many variants the sweeps make
// (the product of their value counts), and how a run picks them (all, random, Latin hypercube).
import { useMemo } from 'react';
import { documentSweepCounts } from '../../shared/pipeline/sweep-counts.ts';
import type { SweepSettings } from '../../shared/pipeline/sweep-spec.ts';
import { DEFAULT_SWEEP_SETTINGS, MAX_SWEEP_VARIANTS } from '../../shared/pipeline/sweep-values.ts';
import type { PipelineState } from '../store/createPipelineStore.ts';
import { usePipelineStore, usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { selectKinds, selectNodes } from '../store/selectors.ts';
import { TextDraftInput } from './TextDraftInput.tsx';

const selectSweepSettings = (s: PipelineState) => s.history.present.sweep;

const SAMPLING_LABELS: Record<SweepSettings['sampling'], string> = {
  product: 'Every combination',
  random: 'Random sample',
  lhs: 'Latin hypercube sample',
};

export function SweepSettingsFields() {
  const store = usePipelineStoreApi();
  const nodes = usePipelineStore(selectNodes);
  const kinds = usePipelineStore(selectKinds);
  const settings = usePipelineStore(selectSweepSettings) ?? DEFAULT_SWEEP_SETTINGS;
  const { combinations: total, variants: runs } = useMemo(() => documentSweepCounts({ nodes, sweep: settings }, kinds), [nodes, settings, kinds]);
  const set = (patch: Partial<SweepSettings>) => store.getState().commit([{ type: 'setSweepSettings', settings: { ...settings, ...patch } }]);
  return (
    <div className="wh-sweep__settings" data-testid="sweep-settings">
      <span data-testid="sweep-variant-count">
        All sweeps: {total} combination{total === 1 ? '' : 's'}
        {runs === null ? ` — over the budget of ${settings.maxVariants}: sample them or raise the budget.` : ` — a run makes ${runs} variant${runs === 1 ? '' : 's'}.`}
      </span>
      <div className="wh-sweep__range">
        <label className="wh-sweep__range-field wh-sweep__range-field--wide">
          <span>Variants</span>
          <select className="wh-input" value={settings.sampling} onChange={(e) => set({ sampling: e.target.value as SweepSettings['sampling'] })} data-testid="sweep-sampling">
            {Object.entries(SAMPLING_LABELS).map(([v, label]) => <option key={v} value={v}>{label}</option>)}
          </select>
        </label>
        <label className="wh-sweep__range-field">
          <span>At most</span>
          <TextDraftInput type="number" value={String(settings.maxVariants)} validate={(d) => (Number.isInteger(Number(d)) && Number(d) >= 1 && Number(d) <= MAX_SWEEP_VARIANTS ? null : `1 to ${MAX_SWEEP_VARIANTS}.`)} onCommit={(d) => set({ maxVariants: Number(d) })} testId="sweep-max-variants" />
        </label>
        {settings.sampling !== 'product' && (
          <label className="wh-sweep__range-field">
            <span>Seed</span>
            <TextDraftInput type="number" value={String(settings.seed)} validate={(d) => (Number.isInteger(Number(d)) ? null : 'A whole number.')} onCommit={(d) => set({ seed: Number(d) })} testId="sweep-seed" />
          </label>
        )}
      </div>
    </div>
  );
}
