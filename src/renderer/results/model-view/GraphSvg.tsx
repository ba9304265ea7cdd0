// The laid-out model graph as SVG: a box per operator (graph inputs and outputs as pills),
// edges routed by ELK into separate input ports with the activation shape beside each
// arrow head. Click selects; search matches are outlined.
import { memo } from 'react';
import type { DisplayGraph } from './displayGraph.ts';
import type { GraphLayout, Point } from './elkLayout.ts';
import { opColor } from './opColors.ts';

interface Props {
  display: DisplayGraph;
  layout: GraphLayout;
  scale: number;
  selected: string | null;
  matches: ReadonlySet<string>;
  onSelect(id: string): void;
}

/** Edge labels clutter big graphs; above this many nodes shapes show on hover only. */
const MAX_LABELLED_NODES = 250;

function pathOf(points: Point[]): string {
  return points.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

/** Where each value's shape is written: at the start of its first edge, once per value. */
function shapeLabels(layout: GraphLayout): { key: string; x: number; y: number; text: string }[] {
  const seen = new Set<string>();
  const out: { key: string; x: number; y: number; text: string }[] = [];
  for (const { edge, points } of layout.edges) {
    const key = `${edge.from}|${edge.value}`;
    if (!edge.shape || points.length < 2 || seen.has(key)) continue;
    seen.add(key);
    out.push({ key, x: points[0].x, y: points[0].y, text: edge.shape.join('×') });
  }
  return out;
}

function GraphSvgImpl({ display, layout, scale, selected, matches, onSelect }: Props) {
  const labelEdges = display.nodes.length <= MAX_LABELLED_NODES;
  return (
    <svg
      className="wh-modelview__svg" width={layout.width * scale} height={layout.height * scale} viewBox={`0 0 ${layout.width} ${layout.height}`}
      data-testid="model-graph" data-nodes={display.nodes.length} data-edges={display.edges.length}
    >
      <defs>
        <marker id="wh-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="6" markerHeight="6" orient="auto">
          <path d="M0,0 L8,4 L0,8 z" fill="#98a2b3" />
        </marker>
      </defs>
      <g>
        {layout.edges.map(({ edge, points }, i) => {
          if (points.length < 2) return null;
          const text = edge.shape ? edge.shape.join('×') : '';
          return (
            <g key={i} className="wh-modelview__edge" data-testid="graph-edge" data-from={edge.from} data-to={edge.to}>
              <path d={pathOf(points)} fill="none" stroke="#98a2b3" strokeWidth={1.2} markerEnd="url(#wh-arrow)">
                <title>{`${edge.value}${text ? ` : ${text}` : ''}`}</title>
              </path>
            </g>
          );
        })}
      </g>
      {labelEdges && (
        <g>
          {/* One shape label per value, just below its producer (where consumers' edges share a port), as Netron does. */}
          {shapeLabels(layout).map((l) => <text key={l.key} x={l.x + 4} y={l.y + 11} fontSize={9} fill="#667085">{l.text}</text>)}
        </g>
      )}
      <g>
        {display.nodes.map((n) => {
          const box = layout.boxes.get(n.id);
          if (!box) return null;
          const io = n.opType === 'Input' || n.opType === 'Output';
          const color = n.fused ? '#b7791f' : opColor(n.opType);
          const isSelected = selected === n.id;
          const [title, ...rest] = box.lines;
          return (
            <g
              key={n.id} transform={`translate(${box.x},${box.y})`} onClick={() => onSelect(n.id)}
              className={`wh-modelview__node${matches.has(n.id) ? ' wh-modelview__node--match' : ''}`}
              data-testid={`graph-node-${n.id}`} data-op={n.opType} data-selected={isSelected || undefined}
            >
              <title>{n.name}</title>
              <rect width={box.width} height={box.height} rx={io ? box.height / 2 : 4} fill={isSelected ? '#fff7e6' : n.fused ? '#fffbeb' : '#ffffff'} stroke={color} strokeWidth={isSelected ? 2.5 : 1.5} strokeDasharray={n.fused ? '5 2' : undefined} />
              {!io && <rect width={6} height={box.height} fill={color} rx={2} />}
              <text x={box.width / 2} y={io ? box.height / 2 + 4 : 16} textAnchor="middle" fontSize={12} fontWeight={600} fill="#1d2330">{title}</text>
              {rest.map((line, k) => <text key={k} x={box.width / 2} y={30 + k * 14} textAnchor="middle" fontSize={9.5} fill="#667085">{line}</text>)}
            </g>
          );
        })}
      </g>
    </svg>
  );
}

export const GraphSvg = memo(GraphSvgImpl);
