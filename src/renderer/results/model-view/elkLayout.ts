// The model view's layered layout through ELK (elkjs, Eclipse Layout Kernel), the way
// Netron lays graphs with dagre: layers top to bottom, crossings minimised, edges routed
// orthogonally around nodes, and one input port per incoming edge so that an Add of a
// residual block visibly takes two arrows. No React here; the caller picks the ELK instance
// (a web worker in the app, the bundled one in tests).
import type { ELK, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import type { GraphEdge } from '../../../shared/api/models.ts';
import type { DisplayGraph, DisplayNode } from './displayGraph.ts';

export interface Point { x: number; y: number }

export interface NodeBox { x: number; y: number; width: number; height: number; lines: string[] }

export interface RoutedEdge { edge: GraphEdge; points: Point[] }

export interface GraphLayout {
  boxes: Map<string, NodeBox>;
  edges: RoutedEdge[];
  width: number;
  height: number;
}

const CHAR_PX = 6;
const TITLE_CHAR_PX = 7.6;
const LINE_PX = 14;
const MIN_WIDTH_PX = 96;
const MAX_WIDTH_PX = 260;
const MAX_NAME_CHARS = 34;

function shortName(name: string): string {
  return name.length > MAX_NAME_CHARS ? `…${name.slice(-(MAX_NAME_CHARS - 1))}` : name;
}

/** The text lines of a node's box: op type, name, and the shapes of its first weights. */
export function nodeLines(n: DisplayNode): string[] {
  if (n.opType === 'Input' || n.opType === 'Output') return [shortName(n.name)];
  const weights = n.members.flatMap((m) => m.weights).filter((w) => w.shape.length > 0);
  const lines = [n.fused ? `${n.opType} · int8` : n.opType, shortName(n.name)];
  if (weights.length) lines.push(weights.slice(0, 2).map((w) => `⟨${w.shape.join('×')}⟩`).join(' '));
  return lines;
}

/** Box size from its text (average glyph widths: bold 12 px title, 9.5 px detail lines), so long names are not cut. */
export function nodeSize(lines: string[]): { width: number; height: number } {
  const [title = '', ...rest] = lines;
  const textPx = Math.max(title.length * TITLE_CHAR_PX, ...rest.map((l) => l.length * CHAR_PX));
  return { width: Math.round(Math.min(MAX_WIDTH_PX, Math.max(MIN_WIDTH_PX, textPx + 24))), height: lines.length * LINE_PX + 10 };
}

const ROOT_OPTIONS = {
  'elk.algorithm': 'layered',
  'elk.direction': 'DOWN',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.layered.spacing.nodeNodeBetweenLayers': '28',
  'elk.layered.spacing.edgeNodeBetweenLayers': '14',
  'elk.spacing.nodeNode': '28',
  'elk.spacing.edgeEdge': '8',
  'elk.spacing.edgeNode': '14',
  // Graph order (ONNX nodes are topologically sorted) keeps the main path straight.
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
  'elk.padding': '[top=16,left=16,bottom=16,right=16]',
};

/** The ELK input: boxes with one north port per incoming edge and one south port for outputs. */
export function elkGraphOf(display: DisplayGraph): ElkNode {
  const incoming = new Map<string, number>();
  const edges: ElkExtendedEdge[] = display.edges.map((e, i) => {
    const k = incoming.get(e.to) ?? 0;
    incoming.set(e.to, k + 1);
    return { id: `e${i}`, sources: [`${e.from}::out`], targets: [`${e.to}::in${k}`] };
  });
  const children: ElkNode[] = display.nodes.map((n) => {
    const size = nodeSize(nodeLines(n));
    const ins = Array.from({ length: incoming.get(n.id) ?? 0 }, (_, k) => ({
      id: `${n.id}::in${k}`, width: 1, height: 1, layoutOptions: { 'elk.port.side': 'NORTH' },
    }));
    return {
      id: n.id, ...size,
      ports: [...ins, { id: `${n.id}::out`, width: 1, height: 1, layoutOptions: { 'elk.port.side': 'SOUTH' } }],
      layoutOptions: { 'elk.portConstraints': 'FIXED_SIDE' },
    };
  });
  return { id: 'root', layoutOptions: ROOT_OPTIONS, children, edges };
}

/** Lay the display graph out with the given ELK instance. */
export async function layoutGraph(elk: ELK, display: DisplayGraph): Promise<GraphLayout> {
  const laid = await elk.layout(elkGraphOf(display));
  const byId = new Map(display.nodes.map((n) => [n.id, n]));
  const boxes = new Map<string, NodeBox>();
  for (const c of laid.children ?? []) {
    const n = byId.get(c.id);
    if (n) boxes.set(c.id, { x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0, lines: nodeLines(n) });
  }
  const edges: RoutedEdge[] = (laid.edges ?? []).map((e) => {
    const edge = display.edges[Number(e.id.slice(1))];
    const s = e.sections?.[0];
    const points = s ? [s.startPoint, ...(s.bendPoints ?? []), s.endPoint] : [];
    return { edge, points };
  });
  return { boxes, edges, width: laid.width ?? 0, height: laid.height ?? 0 };
}
