// One pipeline node on the canvas: title, typed ports, key params and headline figures
// (NodeFaceLines, from the catalog's `face`), and its live run state
// (queued / running with progress / cached / done / done with warnings / failed with the
// message / skipped; dimmed when outdated),
// with the training curve of a train/distill node growing epoch by epoch.
import { memo, useMemo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import type { PortSpec } from '../../shared/catalog/types.ts';
import { usePipelineStore, usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { nodeOutdatedSelector, nodeProblemsSelector, nodeRunSelector } from '../store/selectors.ts';
import { nodeOutcome } from '../../shared/api/run.ts';
import type { PipelineFlowNode } from './flowTypes.ts';
import { NodeStatusLine } from './NodeStatusLine.tsx';
import { NodeFaceLines } from './NodeFaceLines.tsx';
import { TrainCurveSparkline, TRAIN_CURVE_KIND } from '../reports/train/TrainCurveSparkline.tsx';
import { isTrainCurveData } from '../reports/train/sparkline.ts';

const PORT_ROW_PX = 22;
const PORTS_TOP_PX = 44;

function PortRow({ nodeId, port, side, index }: { nodeId: string; port: PortSpec; side: 'in' | 'out'; index: number }) {
  const top = PORTS_TOP_PX + index * PORT_ROW_PX + PORT_ROW_PX / 2;
  return (
    <>
      <Handle
        type={side === 'in' ? 'target' : 'source'}
        position={side === 'in' ? Position.Left : Position.Right}
        id={port.name}
        style={{ top }}
        className={`wh-port wh-port--${port.type}`}
        data-testid={`port-${nodeId}-${side}-${port.name}`}
        title={`${port.label} (${port.type})${port.optional ? ', optional' : ''}${port.help ? ` — ${port.help}` : ''}`}
      />
      <div className={`wh-port-label wh-port-label--${side}`} style={{ top: top - PORT_ROW_PX / 2, height: PORT_ROW_PX }}>
        {port.label}
        <span className={`wh-port-type wh-port-type--${port.type}`}>{port.type}</span>
      </div>
    </>
  );
}

function PipelineNodeViewImpl({ id, data, selected }: NodeProps<PipelineFlowNode>) {
  const selectRun = useMemo(() => nodeRunSelector(id), [id]);
  const run = usePipelineStore(selectRun);
  const store = usePipelineStoreApi();
  const selectProblems = useMemo(() => nodeProblemsSelector(id), [id]);
  const problems = usePipelineStore(selectProblems);
  const selectOutdated = useMemo(() => nodeOutdatedSelector(id), [id]);
  const outdated = usePipelineStore(selectOutdated) && run !== undefined;
  const spec = data.spec;
  const rows = Math.max(spec?.inputs.length ?? 0, spec?.outputs.length ?? 0);
  const status = run?.status ?? 'idle';
  const outcome = run ? nodeOutcome(run) : 'idle';
  const curveData = run?.reports?.[TRAIN_CURVE_KIND]?.data;
  const curve = isTrainCurveData(curveData) ? curveData : undefined;
  // A training node gets its (empty) chart box as soon as it runs, so the first epoch
  // fills the box instead of pushing the status line down.
  const showCurve = curve !== undefined || (status === 'running' && spec?.category === 'Train');
  const finished = outcome === 'done' || outcome === 'cached' || outcome === 'warning';
  return (
    <div
      className={`wh-node wh-node--${outcome}${outdated ? ' wh-node--outdated' : ''}${selected ? ' wh-node--selected' : ''}${spec ? '' : ' wh-node--unknown'}${problems ? ' wh-node--problem' : ''}`}
      title={problems || undefined}
      data-testid={`node-${id}`}
      data-status={status}
      data-outcome={outcome}
      data-outdated={outdated ? 'true' : undefined}
      data-kind={data.kind}
      onDoubleClick={() => {
        const current = store.getState().run;
        if (current && run) store.getState().showResults(current.runId, id);
      }}
    >
      <div className={`wh-node__header wh-cat--${spec?.category ?? 'unknown'}`}>
        <span className="wh-node__title">{data.label || spec?.title || data.kind}</span>
        <span className="wh-node__id">{id}</span>
      </div>
      <div className="wh-node__ports" style={{ height: rows * PORT_ROW_PX + 4 }}>
        {spec?.inputs.map((p, i) => <PortRow key={`in-${p.name}`} nodeId={id} port={p} side="in" index={i} />)}
        {spec?.outputs.map((p, i) => <PortRow key={`out-${p.name}`} nodeId={id} port={p} side="out" index={i} />)}
      </div>
      {spec && <NodeFaceLines nodeId={id} spec={spec} params={data.params} sweeps={data.sweeps} metrics={finished ? run?.metrics : undefined} />}
      {problems && <div className="wh-node__error" data-testid={`node-problems-${id}`}>{problems}</div>}
      {!spec && <div className="wh-node__error">Unknown node kind “{data.kind}”: this Whittle does not have it.</div>}
      {showCurve && <TrainCurveSparkline nodeId={id} data={curve} />}
      <NodeStatusLine nodeId={id} run={run} outdated={outdated} hasProblems={problems !== ''} />
    </div>
  );
}

export const PipelineNodeView = memo(PipelineNodeViewImpl);
