// The model graph as SVG: boxes per operator (graph inputs and outputs included), curved
// edges with activation shapes, laid out top to bottom. Hover reports the node.
import { memo, useMemo } from 'react';
import type { GraphNode, ModelGraph } from '../../../shared/api/models.ts';
import { layeredLayout } from './layeredLayout.ts';
import { opColor } from './opColors.ts';

interface Props {
  graph: ModelGraph;
  scale: number;
  hovered: string | null;
  onHover(node: GraphNode | null): void;
}

/** Edge labels clutter big graphs; above this many nodes shapes show on hover only. */
const MAX_LABELLED_NODES = 250;

function shapeText(shape: (number | string)[] | null): string {
  return shape ? `${shape.join('×')}` : '';
}

function GraphSvgImpl({ graph, scale, hovered, onHover }: Props) {
  const layout = useMemo(() => layeredLayout(graph), [graph]);
  const { positions, nodeWidth: w, nodeHeight: h } = layout;
  const labelEdges = graph.nodes.length <= MAX_LABELLED_NODES;
  return (
    <svg className="wh-modelview__svg" width={layout.width * scale} height={layout.height * scale} viewBox={`0 0 ${layout.width} ${layout.height}`} data-testid="model-graph" data-nodes={graph.nodes.length} data-edges={graph.edges.length}>
      <defs>
        <marker id="wh-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="6" markerHeight="6" orient="auto">
          <path d="M0,0 L8,4 L0,8 z" fill="#98a2b3" />
        </marker>
      </defs>
      <g>
        {graph.edges.map((e, i) => {
          const a = positions.get(e.from);
          const b = positions.get(e.to);
          if (!a || !b) return null;
          const x1 = a.x + w / 2; const y1 = a.y + h;
          const x2 = b.x + w / 2; const y2 = b.y;
          const dy = Math.max(20, (y2 - y1) / 2);
          const text = shapeText(e.shape);
          return (
            <g key={i} className="wh-modelview__edge">
              <path d={`M${x1},${y1} C${x1},${y1 + dy} ${x2},${y2 - dy} ${x2},${y2}`} fill="none" stroke="#98a2b3" strokeWidth={1.2} markerEnd="url(#wh-arrow)">
                <title>{`${e.value}${text ? ` : ${text}` : ''}`}</title>
              </path>
              {labelEdges && text && <text x={(x1 + x2) / 2 + 4} y={(y1 + y2) / 2} fontSize={9} fill="#667085">{text}</text>}
            </g>
          );
        })}
      </g>
      <g>
        {graph.nodes.map((n) => {
          const p = positions.get(n.id);
          if (!p) return null;
          const io = n.opType === 'Input' || n.opType === 'Output';
          const color = opColor(n.opType);
          return (
            <g key={n.id} transform={`translate(${p.x},${p.y})`} onMouseEnter={() => onHover(n)} onMouseLeave={() => onHover(null)} className="wh-modelview__node" data-testid={`graph-node-${n.id}`} data-op={n.opType}>
              <rect width={w} height={h} rx={io ? h / 2 : 4} fill={hovered === n.id ? '#fff7e6' : '#ffffff'} stroke={color} strokeWidth={hovered === n.id ? 2.5 : 1.5} />
              <rect width={6} height={h} fill={color} rx={2} opacity={io ? 0 : 1} />
              <text x={w / 2} y={io ? h / 2 + 4 : 14} textAnchor="middle" fontSize={12} fontWeight={600} fill="#1d2330">{io ? n.name : n.opType}</text>
              {!io && <text x={w / 2} y={27} textAnchor="middle" fontSize={9} fill="#667085">{n.name.length > 24 ? `${n.name.slice(0, 23)}…` : n.name}</text>}
            </g>
          );
        })}
      </g>
    </svg>
  );
}

export const GraphSvg = memo(GraphSvgImpl);
