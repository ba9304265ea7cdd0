// The selected node's properties, as Netron's sidebar: operator and name, the layer's
// statistics, attributes, inputs and outputs with their shapes, each weight's value spread
// (min / max / mean / std / sparsity) and the scale / zero point of QDQ quantizers. A fused
// int8 group lists what it stands for.
import type { GraphEdge, LayerStats, QuantParams, WeightStats } from '../../../shared/api/models.ts';
import { formatCount, formatPercent } from '../../../shared/format.ts';
import type { DisplayGraph, DisplayNode } from './displayGraph.ts';

interface Props { node: DisplayNode | null; display: DisplayGraph; layers: Map<string, LayerStats> | undefined }

function num(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(3) : String(Number(v.toPrecision(4)));
}

function shapeText(shape: (number | string)[] | null): string {
  return shape ? `[${shape.join(', ')}]` : 'shape unknown';
}

function quantText(q: QuantParams): string {
  const more = q.channels > q.scale.length ? ` … (${q.channels} channels${q.axis !== undefined ? `, axis ${q.axis}` : ''})` : q.channels > 1 ? ` (axis ${q.axis})` : '';
  return `scale ${q.scale.map(num).join(', ')} · zero point ${q.zeroPoint.map(num).join(', ')}${q.quantType ? ` · ${q.quantType}` : ''}${more}`;
}

function StatsRow({ stats }: { stats: WeightStats }) {
  return <span className="wh-num">min {num(stats.min)} · max {num(stats.max)} · mean {num(stats.mean)} · std {num(stats.std)} · sparsity {formatPercent(stats.sparsity)}</span>;
}

function ValueList({ title, edges, testId }: { title: string; edges: GraphEdge[]; testId: string }) {
  const seen = new Set<string>();
  const unique = edges.filter((e) => !seen.has(e.value) && seen.add(e.value));
  if (!unique.length) return null;
  return (
    <>
      <h5>{title}</h5>
      <ul className="wh-modelview__list" data-testid={testId}>{unique.map((e) => <li key={e.value}><code>{e.value}</code> {shapeText(e.shape)}</li>)}</ul>
    </>
  );
}

function LayerTable({ layer }: { layer: LayerStats }) {
  return (
    <table className="wh-table wh-table--kv" data-testid="node-layer-stats">
      <tbody>
        <tr><th>Parameters</th><td className="wh-num">{layer.parameters.toLocaleString('en-US')}</td></tr>
        <tr><th>Non-zeros</th><td className="wh-num">{layer.nonZeroParameters.toLocaleString('en-US')}</td></tr>
        <tr><th>Sparsity</th><td className="wh-num">{formatPercent(layer.sparsity)}</td></tr>
        <tr><th>MACs</th><td className="wh-num">{layer.macs === null ? 'unknown' : formatCount(layer.macs)}</td></tr>
      </tbody>
    </table>
  );
}

export function NodeProperties({ node, display, layers }: Props) {
  if (!node) return <p className="wh-muted">Click a node (or search for one) to see its attributes, inputs, outputs and weights.</p>;
  const layer = node.members.map((m) => layers?.get(m.name)).find(Boolean);
  // A quantizer's scale and zero point are its parameters, shown under Quantization, not weights.
  const weights = node.members.filter((m) => !m.quant).flatMap((m) => m.weights);
  const quantizers = node.members.filter((m) => m.quant);
  const attributes = node.members.flatMap((m) => Object.entries(m.attributes).map(([k, v]) => [node.fused ? `${m.opType}.${k}` : k, v] as const));
  return (
    <div data-testid="node-details" data-node-id={node.id}>
      <h4 className="wh-modelview__title">{node.fused ? `${node.opType} · int8 group` : node.opType} <code>{node.name}</code></h4>
      {node.fused && <p className="wh-muted" data-testid="fused-members">Stands for {node.members.map((m) => m.opType).join(' → ')}.</p>}
      {layer && <LayerTable layer={layer} />}
      {attributes.length > 0 && (
        <>
          <h5>Attributes</h5>
          <ul className="wh-modelview__list">{attributes.map(([k, v]) => <li key={k}><span className="wh-muted">{k}</span> {v}</li>)}</ul>
        </>
      )}
      <ValueList title="Inputs" edges={display.edges.filter((e) => e.to === node.id)} testId="node-inputs" />
      <ValueList title="Outputs" edges={display.edges.filter((e) => e.from === node.id)} testId="node-outputs" />
      {weights.length > 0 && (
        <>
          <h5>Weights</h5>
          <ul className="wh-modelview__weights" data-testid="node-weights">
            {weights.map((w) => (
              <li key={w.name}>
                <div><code>{w.name}</code> [{w.shape.join(', ')}]</div>
                {w.stats && <StatsRow stats={w.stats} />}
                {w.quant && <div className="wh-modelview__quant" data-testid="weight-quant">{quantText(w.quant)}</div>}
              </li>
            ))}
          </ul>
        </>
      )}
      {quantizers.length > 0 && (
        <>
          <h5>Quantization</h5>
          <ul className="wh-modelview__list" data-testid="node-quant">
            {quantizers.map((m) => <li key={m.id}><span className="wh-muted">{m.opType}</span> {quantText(m.quant!)}</li>)}
          </ul>
        </>
      )}
    </div>
  );
}
