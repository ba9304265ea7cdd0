// The readable middle of a node: its key params (before and after a run) and the headline
// figures of its last run, as the kind's catalog `face` declares them. A face with nothing
// to say names the node's ports instead, for the compact face that drops the port labels.
import { memo, useMemo } from 'react';
import type { NodeKindSpec, Params } from '../../shared/catalog/types.ts';
import { faceMetricLines, faceParamLines, type FaceLine } from '../../shared/editor/nodeFace.ts';
import type { SweepSpec } from '../../shared/pipeline/sweep-spec.ts';

interface Props {
  nodeId: string;
  spec: NodeKindSpec;
  params: Params;
  sweeps: Record<string, SweepSpec> | undefined;
  /** The last run's metrics when it finished (done, cached or with warnings). */
  metrics: Record<string, number | string | boolean> | undefined;
  /** The compact face: only the first two lines of each list are rendered (CompactFaceContext.ts). */
  compact?: boolean;
}

const COMPACT_LINES = 2;

function Lines({ lines, kind, nodeId }: { lines: FaceLine[]; kind: 'param' | 'metric'; nodeId: string }) {
  return (
    <ul className={`wh-face__${kind}s`} data-testid={`node-${kind}s-${nodeId}`}>
      {lines.map((l) => (
        <li key={l.key} className={`wh-face__${kind}`} data-key={l.key} title={`${l.label}: ${l.text}`}>
          <span className="wh-face__label">{l.label}</span> <span className="wh-face__value">{l.text}</span>
        </li>
      ))}
    </ul>
  );
}

/** "Model, Dataset, Reference → Metrics": what the node takes and gives, by port label. */
function portsText(spec: NodeKindSpec): string {
  const names = (ports: NodeKindSpec['inputs']) => ports.map((p) => p.label).join(', ');
  return `${names(spec.inputs)} → ${names(spec.outputs)}`;
}

function NodeFaceLinesImpl({ nodeId, spec, params, sweeps, metrics, compact = false }: Props) {
  const allParamLines = useMemo(() => faceParamLines(spec, params, sweeps), [spec, params, sweeps]);
  const allMetricLines = useMemo(() => (metrics ? faceMetricLines(spec, params, metrics) : []), [spec, params, metrics]);
  const paramLines = compact ? allParamLines.slice(0, COMPACT_LINES) : allParamLines;
  const metricLines = compact ? allMetricLines.slice(0, COMPACT_LINES) : allMetricLines;
  if (paramLines.length === 0 && metricLines.length === 0) {
    // The compact face spreads the input handles along the node's edge: without a line here an
    // Evaluate (three inputs) would be a title over an empty band. The full face hides it
    // (its port rows say the same; canvas.css).
    if (spec.inputs.length === 0) return null;
    return <div className="wh-face wh-face--ports" data-testid={`node-ports-summary-${nodeId}`}>{portsText(spec)}</div>;
  }
  return (
    <div className="wh-face">
      {paramLines.length > 0 && <Lines lines={paramLines} kind="param" nodeId={nodeId} />}
      {metricLines.length > 0 && <Lines lines={metricLines} kind="metric" nodeId={nodeId} />}
    </div>
  );
}

export const NodeFaceLines = memo(NodeFaceLinesImpl);
