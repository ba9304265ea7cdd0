// The "Runs & results" tab: run history on the left, the chosen run on the right with
// per-node status, metrics, timings and reports, plus the compare and model views.
import { useEffect, useState } from 'react';
import { usePipelineStore } from '../store/usePipelineStore.ts';
import { selectResultsFocus, selectRun } from '../store/selectors.ts';
import { RunDetail } from './RunDetail.tsx';
import { RunList } from './RunList.tsx';
import { useRunHistory } from './useRunHistory.ts';

export function RunsView() {
  const { runs, error, refresh } = useRunHistory();
  const current = usePipelineStore(selectRun);
  const focus = usePipelineStore(selectResultsFocus);
  const [selected, setSelected] = useState<string | null>(focus?.runId ?? null);
  // Follow the editor's latest run until the user picks another one.
  useEffect(() => {
    if (current?.runId) setSelected(current.runId);
  }, [current?.runId]);
  useEffect(() => {
    if (focus) setSelected(focus.runId);
  }, [focus]);
  useEffect(() => {
    if (!selected && runs && runs.length > 0) setSelected(runs[0].id);
  }, [runs, selected]);
  return (
    <div className="wh-runs" data-testid="runs-view">
      <RunList runs={runs} error={error} selected={selected} onSelect={setSelected} onRefresh={refresh} />
      <div className="wh-runs__detail">
        {selected ? <RunDetail runId={selected} focusNodeId={focus?.runId === selected ? focus.nodeId : null} /> : <p className="wh-muted wh-pad">No runs yet. Press Run in the editor to start one.</p>}
      </div>
    </div>
  );
}
