// What the model view shows for the hovered node: operator, attributes, weights, and the
// layer's statistics (parameters, non-zeros, sparsity, MACs) when it has any.
import type { GraphNode, LayerStats, ModelGraph } from '../../../shared/api/models.ts';

interface Props { node: GraphNode | null; layer: LayerStats | undefined; graph: ModelGraph }

export function NodeDetails({ node, layer, graph }: Props) {
  if (!node) return <p className="wh-muted">Hover a node to see its attributes and statistics.</p>;
  const outputs = graph.edges.filter((e) => e.from === node.id);
  const seen = new Set<string>();
  const outShapes = outputs.filter((e) => !seen.has(e.value) && seen.add(e.value));
  return (
    <div data-testid="node-details">
      <h4 className="wh-modelview__title">{node.opType} <code>{node.name}</code></h4>
      {layer && (
        <table className="wh-table wh-table--kv" data-testid="node-layer-stats">
          <tbody>
            <tr><th>Parameters</th><td className="wh-num">{layer.parameters.toLocaleString('en-US')}</td></tr>
            <tr><th>Non-zeros</th><td className="wh-num">{layer.nonZeroParameters.toLocaleString('en-US')}</td></tr>
            <tr><th>Sparsity</th><td className="wh-num">{(layer.sparsity * 100).toFixed(1)}%</td></tr>
            <tr><th>MACs</th><td className="wh-num">{layer.macs === null ? 'unknown' : layer.macs.toLocaleString('en-US')}</td></tr>
          </tbody>
        </table>
      )}
      {node.weights.length > 0 && (
        <>
          <h5>Weights</h5>
          <ul className="wh-modelview__list">{node.weights.map((w) => <li key={w.name}><code>{w.name}</code> [{w.shape.join(', ')}]</li>)}</ul>
        </>
      )}
      {Object.keys(node.attributes).length > 0 && (
        <>
          <h5>Attributes</h5>
          <ul className="wh-modelview__list">{Object.entries(node.attributes).map(([k, v]) => <li key={k}><span className="wh-muted">{k}</span> {v}</li>)}</ul>
        </>
      )}
      {outShapes.length > 0 && (
        <>
          <h5>Outputs</h5>
          <ul className="wh-modelview__list">{outShapes.map((e) => <li key={e.value}><code>{e.value}</code> {e.shape ? `[${e.shape.join(', ')}]` : 'shape unknown'}</li>)}</ul>
        </>
      )}
    </div>
  );
}
