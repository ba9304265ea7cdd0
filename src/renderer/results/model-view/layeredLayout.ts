// A layered (Sugiyama-style, simplified) layout of a DAG without React: layers by longest
// path from the sources, order within a layer by a few barycenter sweeps, fixed box sizes.
export interface LayoutInput { nodes: { id: string }[]; edges: { from: string; to: string }[] }

export interface LayoutOptions { nodeWidth?: number; nodeHeight?: number; gapX?: number; gapY?: number; sweeps?: number }

export interface Layout {
  positions: Map<string, { x: number; y: number; layer: number }>;
  width: number;
  height: number;
  nodeWidth: number;
  nodeHeight: number;
}

/** Layer of each node: 0 for sources, else 1 + the deepest predecessor. Nodes on a cycle go last. */
export function assignLayers(input: LayoutInput): Map<string, number> {
  const preds = new Map<string, string[]>(input.nodes.map((n) => [n.id, []]));
  const succs = new Map<string, string[]>(input.nodes.map((n) => [n.id, []]));
  for (const e of input.edges) {
    if (!preds.has(e.to) || !succs.has(e.from) || e.from === e.to) continue;
    preds.get(e.to)!.push(e.from);
    succs.get(e.from)!.push(e.to);
  }
  const indegree = new Map([...preds].map(([id, p]) => [id, p.length]));
  const queue = input.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const layer = new Map<string, number>();
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    layer.set(id, Math.max(0, ...preds.get(id)!.map((p) => (layer.get(p) ?? -1) + 1)));
    for (const s of succs.get(id)!) {
      indegree.set(s, indegree.get(s)! - 1);
      if (indegree.get(s) === 0) queue.push(s);
    }
  }
  const deepest = Math.max(-1, ...layer.values());
  for (const n of input.nodes) if (!layer.has(n.id)) layer.set(n.id, deepest + 1);
  return layer;
}

export function layeredLayout(input: LayoutInput, opts: LayoutOptions = {}): Layout {
  const nodeWidth = opts.nodeWidth ?? 150;
  const nodeHeight = opts.nodeHeight ?? 34;
  const gapX = opts.gapX ?? 24;
  const gapY = opts.gapY ?? 36;
  const layerOf = assignLayers(input);
  const rows: string[][] = [];
  for (const n of input.nodes) (rows[layerOf.get(n.id)!] ??= []).push(n.id);
  const preds = new Map<string, string[]>();
  const succs = new Map<string, string[]>();
  for (const e of input.edges) {
    (preds.get(e.to) ?? preds.set(e.to, []).get(e.to)!).push(e.from);
    (succs.get(e.from) ?? succs.set(e.from, []).get(e.from)!).push(e.to);
  }
  const slot = new Map<string, number>();
  const place = () => rows.forEach((row) => row?.forEach((id, i) => slot.set(id, i - (row.length - 1) / 2)));
  place();
  // Barycenter sweeps: down (by predecessors), then up (by successors); fewer crossings.
  for (let s = 0; s < (opts.sweeps ?? 4); s++) {
    const down = s % 2 === 0;
    const order = down ? rows : [...rows].reverse();
    for (const row of order) {
      if (!row) continue;
      const key = (id: string) => {
        const nb = (down ? preds.get(id) : succs.get(id)) ?? [];
        return nb.length ? nb.reduce((a, p) => a + (slot.get(p) ?? 0), 0) / nb.length : slot.get(id)!;
      };
      const keyed = row.map((id) => [id, key(id)] as const);
      keyed.sort((a, b) => a[1] - b[1]);
      row.splice(0, row.length, ...keyed.map(([id]) => id));
      row.forEach((id, i) => slot.set(id, i - (row.length - 1) / 2));
    }
  }
  const widest = Math.max(1, ...rows.map((r) => r?.length ?? 0));
  const width = widest * (nodeWidth + gapX) + gapX;
  const positions: Layout['positions'] = new Map();
  rows.forEach((row, layer) => row?.forEach((id) => {
    positions.set(id, { x: width / 2 + slot.get(id)! * (nodeWidth + gapX) - nodeWidth / 2, y: gapY / 2 + layer * (nodeHeight + gapY), layer });
  }));
  return { positions, width, height: rows.length * (nodeHeight + gapY) + gapY / 2, nodeWidth, nodeHeight };
}
