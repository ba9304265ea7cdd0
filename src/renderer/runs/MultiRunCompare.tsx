// The runs ticked in the list, compared in one table and the same charts as one run's models.
import { CompareView } from '../results/compare/CompareView.tsx';
import { useRunRecords } from './useRunRecords.ts';

export function MultiRunCompare({ runIds, onClose }: { runIds: string[]; onClose(): void }) {
  const { runs, error } = useRunRecords(runIds);
  return (
    <div className="wh-rundetail" data-testid="multi-run-compare">
      <header className="wh-rundetail__header">
        <h2>Comparing {runIds.length} runs</h2>
        <div className="wh-muted">
          {runs ? runs.map((r) => r.name).join(' · ') : 'Loading runs…'}{' '}
          <button type="button" className="wh-link" onClick={onClose} data-testid="multi-compare-close">Back to one run</button>
        </div>
      </header>
      <div className="wh-rundetail__body">
        {error && <p className="wh-error">{error}</p>}
        {runs && <CompareView runs={runs} />}
      </div>
    </div>
  );
}
