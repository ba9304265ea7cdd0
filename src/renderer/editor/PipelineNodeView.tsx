// One pipeline node on the canvas: title, typed ports, key params and headline figures
// (NodeFaceLines, from the catalog's `face`), and its live run state
// (queued / running with progress / cached / done / done with warnings / failed with the
// message / skipped; dimmed when outdated),
// with the training curve of a train/distill node growing epoch by epoch.
import { memo, useContext, useMemo, type CSSProperties } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import type { NodeKindSpec, PortSpec } from '../../shared/catalog/types.ts';
import { usePipelineStore, usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { nodeOutdatedSelector, nodeProblemsSelector, nodeRunSelector } from '../store/selectors.ts';
import { nodeOutcome } from '../../shared/api/node-outcome.ts';
import type { PipelineFlowNode } from './flowTypes.ts';
import { NodeStatusLine } from './NodeStatusLine.tsx';
import { NodeFaceLines } from './NodeFaceLines.tsx';
import { CompactFaceContext } from './CompactFaceContext.ts';
import { TrainCurveSparkline, TRAIN_CURVE_KIND } from '../reports/train/TrainCurveSparkline.tsx';
import { isTrainCurveData } from '../reports/train/sparkline.ts';

/**
 * One port: its handle sits inside its label, so the handle follows the label wherever the
 * row's layout puts it (an output that does not fit beside its row's input wraps below it,
 * right-aligned; canvas.css). `--port-frac` places the handle on the node's edge in the
 * compact face, where the labels are gone (not rendered at all: CompactFaceContext.ts).
 */
function PortLabel({ nodeId, port, side, index, count, compact }: { nodeId: string; port: PortSpec; side: 'in' | 'out'; index: number; count: number; compact: boolean }) {
  const frac = `${((index + 1) / (count + 1)) * 100}%`;
  return (
    <div className={`wh-port-label wh-port-label--${side}`} data-testid={`port-label-${nodeId}-${side}-${port.name}`}>
      <Handle
        type={side === 'in' ? 'target' : 'source'}
        position={side === 'in' ? Position.Left : Position.Right}
        id={port.name}
        style={{ '--port-frac': frac } as CSSProperties}
        className={`wh-port wh-port--${port.type}`}
        data-testid={`port-${nodeId}-${side}-${port.name}`}
        title={`${port.label} (${port.type})${port.optional ? ', optional' : ''}${port.help ? ` — ${port.help}` : ''}`}
      />
      {!compact && (
        <span className="wh-port-label__text">
          {port.label}
          <span className={`wh-port-type wh-port-type--${port.type}`}>{port.type}</span>
        </span>
      )}
    </div>
  );
}

/** Row i holds input i on the left and output i on the right. */
function PortRows({ nodeId, spec, compact }: { nodeId: string; spec: NodeKindSpec; compact: boolean }) {
  const rows = Math.max(spec.inputs.length, spec.outputs.length);
  return (
    <div className="wh-node__ports">
      {Array.from({ length: rows }, (_, i) => {
        const input = spec.inputs[i];
        const output = spec.outputs[i];
        return (
          <div className="wh-port-row" key={i}>
            {input && <PortLabel nodeId={nodeId} port={input} side="in" index={i} count={spec.inputs.length} compact={compact} />}
            {output && <PortLabel nodeId={nodeId} port={output} side="out" index={i} count={spec.outputs.length} compact={compact} />}
          </div>
        );
      })}
    </div>
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
  const compact = useContext(CompactFaceContext);
  const spec = data.spec;
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
      style={{ '--port-slots': Math.max(spec?.inputs.length ?? 0, spec?.outputs.length ?? 0) } as CSSProperties}
      onDoubleClick={() => {
        const current = store.getState().run;
        if (current && run) store.getState().showResults(current.runId, id);
      }}
    >
      <div className={`wh-node__header wh-cat--${spec?.category ?? 'unknown'}`}>
        <span className="wh-node__title">{data.label || spec?.title || data.kind}</span>
        {!compact && <span className="wh-node__id">{id}</span>}
      </div>
      {spec && <PortRows nodeId={id} spec={spec} compact={compact} />}
      {spec && <NodeFaceLines nodeId={id} spec={spec} params={data.params} sweeps={data.sweeps} metrics={finished ? run?.metrics : undefined} compact={compact} />}
      {problems && <div className="wh-node__error" data-testid={`node-problems-${id}`}>{problems}</div>}
      {!spec && <div className="wh-node__error">Unknown node kind “{data.kind}”: this Whittle does not have it.</div>}
      {showCurve && <TrainCurveSparkline nodeId={id} data={curve} />}
      <NodeStatusLine nodeId={id} run={run} outdated={outdated} hasProblems={problems !== ''} />
    </div>
  );
}

/** The face reads only these props: a drag changes the others (positionAbsoluteX/Y, dragging) on every move. */
function sameFace(a: NodeProps<PipelineFlowNode>, b: NodeProps<PipelineFlowNode>): boolean {
  return a.id === b.id && a.data === b.data && a.selected === b.selected;
}

export const PipelineNodeView = memo(PipelineNodeViewImpl, sameFace);
