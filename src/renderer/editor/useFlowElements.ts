// Turns the document into React Flow nodes and edges. Objects are cached per node so an
// unchanged node keeps its identity and React Flow skips it (this keeps a drag on a
// 300-node graph cheap). Measured sizes live here: React Flow needs them on every node; a
// node never shown yet carries an estimate (nodeEstimate.ts), so only nodes in view mount.
// A measurement does not render the canvas again: React Flow already holds it, and keeps it
// while it is handed the same node objects; any node object made anew carries the size
// measured last. (Rendering on every measurement re-ran React Flow's whole update for all
// 300 nodes in the page load's first frame, ~40 ms; bench:editor.)
import { useCallback, useMemo, useRef } from 'react';
import type { NodeKindSpec } from '../../shared/catalog/types.ts';
import { edgeKey } from '../../shared/editor/changes.ts';
import type { PipelineEdge, PipelineNode } from '../../shared/pipeline/document.ts';
import type { PipelineFlowEdge, PipelineFlowNode } from './flowTypes.ts';
import { nodeEstimate } from './nodeEstimate.ts';

type Size = { width: number; height: number };

interface CacheEntry {
  src: PipelineNode;
  spec: NodeKindSpec | undefined;
  selected: boolean;
  size: Size | undefined;
  flow: PipelineFlowNode;
}

export function useFlowElements(nodes: PipelineNode[], edges: PipelineEdge[], kinds: Map<string, NodeKindSpec>, selectedNodes: string[], selectedEdges: string[]) {
  const sizes = useRef<Record<string, Size>>({});
  const cache = useRef(new Map<string, CacheEntry>());

  const flowNodes = useMemo(() => {
    const selected = new Set(selectedNodes);
    const next = new Map<string, CacheEntry>();
    const out: PipelineFlowNode[] = [];
    for (const n of nodes) {
      const spec = kinds.get(n.kind);
      const isSelected = selected.has(n.id);
      const size = sizes.current[n.id];
      let entry = cache.current.get(n.id);
      if (!entry || entry.src !== n || entry.spec !== spec || entry.selected !== isSelected || entry.size !== size) {
        // The same data object while only the position, selection or size changes: the
        // memoised node face then skips re-rendering on every drag move and measurement.
        const old = entry;
        const sameContent = old !== undefined && old.spec === spec && old.src.kind === n.kind && old.src.label === n.label && old.src.params === n.params && old.src.sweeps === n.sweeps;
        const flow: PipelineFlowNode = {
          id: n.id,
          type: 'pipeline',
          position: n.position ?? { x: 0, y: 0 },
          data: sameContent ? old.flow.data : { kind: n.kind, spec, label: n.label, params: n.params, sweeps: n.sweeps },
          selected: isSelected,
          ...(size ? { measured: size } : nodeEstimate(spec)),
        };
        entry = { src: n, spec, selected: isSelected, size, flow };
      }
      next.set(n.id, entry);
      out.push(entry.flow);
    }
    cache.current = next;
    return out;
  }, [nodes, kinds, selectedNodes]);

  const flowEdges = useMemo(() => {
    const selected = new Set(selectedEdges);
    return edges.map((e): PipelineFlowEdge => {
      const id = edgeKey(e);
      return { id, source: e.from[0], sourceHandle: e.from[1], target: e.to[0], targetHandle: e.to[1], selected: selected.has(id), className: 'wh-edge' };
    });
  }, [edges, selectedEdges]);

  const setMeasured = useCallback((updates: Record<string, Size>) => {
    for (const [id, size] of Object.entries(updates)) {
      const old = sizes.current[id];
      if (!old || old.width !== size.width || old.height !== size.height) sizes.current[id] = size;
    }
  }, []);

  return { flowNodes, flowEdges, setMeasured };
}
