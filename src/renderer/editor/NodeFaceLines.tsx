// The readable middle of a node: its key params (before and after a run) and the headline
// figures of its last run, as the kind's catalog `face` declares them.
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
}

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

function NodeFaceLinesImpl({ nodeId, spec, params, sweeps, metrics }: Props) {
  const paramLines = useMemo(() => faceParamLines(spec, params, sweeps), [spec, params, sweeps]);
  const metricLines = useMemo(() => (metrics ? faceMetricLines(spec, params, metrics) : []), [spec, params, metrics]);
  if (paramLines.length === 0 && metricLines.length === 0) return null;
  return (
    <div className="wh-face">
      {paramLines.length > 0 && <Lines lines={paramLines} kind="param" nodeId={nodeId} />}
      {metricLines.length > 0 && <Lines lines={metricLines} kind="metric" nodeId={nodeId} />}
    </div>
  );
}

export const NodeFaceLines = memo(NodeFaceLinesImpl);
