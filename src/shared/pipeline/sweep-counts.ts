// How many variants a document's sweeps make, and the dimensions they sweep: what the
// inspector shows. Free of the schemas (sweep.ts), so the editor's first bundle does not
// load zod (bench:editor).
import type { NodeKindSpec, Params } from '../catalog/types.ts';
import type { SweepDimension } from './sweep.ts';
import type { SweepSettings, SweepSpec } from './sweep-spec.ts';
import { DEFAULT_SWEEP_SETTINGS, sweepCounts, sweepValues, type SweepCounts } from './sweep-values.ts';
import { sweepUnits } from './sweep-units.ts';

/** True when some node of the document holds a sweep. */
export function hasSweeps(doc: { nodes: readonly { sweeps?: Record<string, SweepSpec> }[] }): boolean {
  return doc.nodes.some((n) => n.sweeps !== undefined && Object.keys(n.sweeps).length > 0);
}

type SweptNode = { id: string; kind: string; params: Params; label?: string; sweeps?: Record<string, SweepSpec> };

/**
 * The variants a document's sweeps make under its settings: what the inspector and `validate`
 * say, and what a run makes (distinct effective settings; see sweep-units.ts).
 */
export function documentSweepCounts(doc: { nodes: readonly SweptNode[]; sweep?: SweepSettings }, kinds: ReadonlyMap<string, NodeKindSpec>): SweepCounts {
  const units = sweepUnits(doc.nodes, dimensionsOf(doc.nodes, kinds), kinds);
  return sweepCounts(units.map((u) => u.size), doc.sweep ?? DEFAULT_SWEEP_SETTINGS);
}

export function dimensionsOf(nodes: readonly SweptNode[], kinds: ReadonlyMap<string, NodeKindSpec>): SweepDimension[] {
  const dims: SweepDimension[] = [];
  for (const node of nodes) {
    const spec = kinds.get(node.kind);
    for (const param of Object.keys(node.sweeps ?? {}).sort()) {
      const paramSpec = spec?.params[param];
      const title = node.label ?? spec?.title ?? node.kind;
      dims.push({ nodeId: node.id, param, label: `${title} · ${paramSpec?.label ?? param}`, values: sweepValues(node.sweeps![param], paramSpec) });
    }
  }
  return dims;
}
