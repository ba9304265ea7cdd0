// The "Runs & results" tab: run history on the left, the chosen run on the right with
// per-node status, metrics, timings and reports, plus the compare and model views; or,
// when runs are ticked and compared, their models side by side.
import { useEffect, useState } from 'react';
import { usePipelineStore } from '../store/usePipelineStore.ts';
import { selectResultsFocus, selectRun } from '../store/selectors.ts';
import { MultiRunCompare } from './MultiRunCompare.tsx';
import { RunDetail } from './RunDetail.tsx';
import { RunList } from './RunList.tsx';
import { useRunHistory } from './useRunHistory.ts';
import './runs.css';

export function RunsView() {
  const { runs, error, refresh } = useRunHistory();
  const current = usePipelineStore(selectRun);
  const focus = usePipelineStore(selectResultsFocus);
  const [selected, setSelected] = useState<string | null>(focus?.runId ?? null);
  const [picked, setPicked] = useState<string[]>([]);
  const [comparing, setComparing] = useState<string[] | null>(null);
  // Follow the editor's latest run until the user picks another one.
  useEffect(() => {
    if (current?.runId) setSelected(current.runId);
  }, [current?.runId]);
  useEffect(() => {
    if (focus) { setSelected(focus.runId); setComparing(null); }
  }, [focus]);
  useEffect(() => {
    if (runs && (!selected || !runs.some((r) => r.id === selected)) && runs.length > 0) setSelected(runs[0].id);
  }, [runs, selected]);
  const select = (id: string) => { setSelected(id); setComparing(null); };
  const onDeleted = () => {
    setSelected(null);
    setPicked((p) => p.filter((id) => id !== selected));
    refresh();
  };
  return (
    <div className="wh-runs" data-testid="runs-view">
      <RunList runs={runs} error={error} selected={comparing ? null : selected} onSelect={select} onRefresh={refresh} picked={picked} onPick={setPicked} onCompare={() => setComparing(picked)} />
      <div className="wh-runs__detail">
        {comparing ? <MultiRunCompare runIds={comparing} onClose={() => setComparing(null)} />
          : selected ? <RunDetail runId={selected} focusNodeId={focus?.runId === selected ? focus.nodeId : null} onListChanged={refresh} onDeleted={onDeleted} />
            : <p className="wh-muted wh-pad">No runs yet. Press Run in the editor to start one.</p>}
      </div>
    </div>
  );
}
