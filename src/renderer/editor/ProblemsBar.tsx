// Validation problems of the last run attempt, under the canvas; click one to select its node.
import { usePipelineStore, usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { selectProblems } from '../store/selectors.ts';

export function ProblemsBar() {
  const store = usePipelineStoreApi();
  const problems = usePipelineStore(selectProblems);
  if (problems.length === 0) return null;
  return (
    <div className="wh-problems-bar" data-testid="problems-bar">
      <strong>{problems.length} problem{problems.length > 1 ? 's' : ''}</strong>
      <ul>
        {problems.map((p, i) => (
          <li key={i}>
            <button type="button" className="wh-link" onClick={() => p.nodeId && store.getState().select([p.nodeId])}>
              {p.nodeId && <code>{p.nodeId}</code>} {p.message}
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="wh-icon-btn" aria-label="Hide problems" onClick={() => store.getState().setProblems([])}>×</button>
    </div>
  );
}
