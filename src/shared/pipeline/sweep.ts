// Sweep expansion (DESIGN.md §10): a document whose params hold sweeps becomes one plain
// document with a variant per chosen combination. A node appears once per distinct setting
// of the sweeps upstream of it (or on it): nodes upstream of every sweep appear once and are
// shared by all variants; downstream nodes are cloned per variant as `quantize@v3`.
// Write-only sinks (export) are deferred: one file path cannot hold 48 models; the chosen
// variant is exported afterwards by running `winnerDocument`.
import { z } from 'zod';
import type { NodeKindSpec } from '../catalog/types.ts';
import { WhittleError } from '../errors.ts';
import { topologicalOrder } from '../graph/order.ts';
import type { PipelineDocument, PipelineEdge, PipelineNode } from './document.ts';
import { sampleCombinations, productSize, type Combination } from './sweep-sample.ts';
import { DEFAULT_SWEEP_SETTINGS, SweepSettingsSchema, type SweepValue } from './sweep-spec.ts';
import { dimensionCombination, sweepUnits, type SweepUnit } from './sweep-units.ts';
import { dimensionsOf, hasSweeps } from './sweep-counts.ts';

export { documentSweepCounts, hasSweeps } from './sweep-counts.ts';

const SweepValueSchema = z.union([z.number(), z.string()]);

export const SweepDimensionSchema = z.object({
  nodeId: z.string(),
  param: z.string(),
  /** "Prune · Sparsity": the node's label (or kind title) and the param's label. */
  label: z.string(),
  values: z.array(SweepValueSchema),
});
export type SweepDimension = z.output<typeof SweepDimensionSchema>;

export const SweepVariantSchema = z.object({
  /** "v3": the suffix of this variant's cloned node ids. */
  id: z.string(),
  /** `${nodeId}.${param}` -> the value this variant runs with; absent where the param does not apply. */
  settings: z.record(z.string(), SweepValueSchema),
  /** Every (not deferred) node of the source document -> its id in the expanded document. */
  nodes: z.record(z.string(), z.string()),
});
export type SweepVariant = z.output<typeof SweepVariantSchema>;

/** What a run keeps of its sweep: the plan of variants (the source document is kept beside it). */
export const SweepPlanSchema = SweepSettingsSchema.extend({
  /** Distinct combinations of the product (hidden params collapsed), before any sampling. */
  productSize: z.number(),
  dimensions: z.array(SweepDimensionSchema),
  variants: z.array(SweepVariantSchema),
  /** Source nodes left out of the sweep run (exports); `winnerDocument` runs them for one variant. */
  deferred: z.array(z.string()),
});
export type SweepPlan = z.output<typeof SweepPlanSchema>;

export interface SweepExpansion {
  document: PipelineDocument;
  /** Null when the document sweeps nothing (it is then run as it is). */
  plan: SweepPlan | null;
}

export function settingKey(nodeId: string, param: string): string {
  return `${nodeId}.${param}`;
}


/** "0.5" for a variant's value of a dimension; "n/a" where that param does not apply to it. */
export function variantSettingText(variant: Pick<SweepVariant, 'settings'>, dim: Pick<SweepDimension, 'nodeId' | 'param'>): string {
  const value = variant.settings[settingKey(dim.nodeId, dim.param)];
  return value === undefined ? 'n/a' : String(value);
}

/** For each node, the dimensions (indices) on it or upstream of it, from the topological order. */
function reachingDimensions(order: readonly string[], edges: readonly PipelineEdge[], dims: readonly SweepDimension[]): Map<string, number[]> {
  const parents = new Map<string, string[]>();
  for (const e of edges) parents.set(e.to[0], [...(parents.get(e.to[0]) ?? []), e.from[0]]);
  const reach = new Map<string, number[]>();
  for (const id of order) {
    const set = new Set<number>();
    dims.forEach((d, i) => { if (d.nodeId === id) set.add(i); });
    for (const p of parents.get(id) ?? []) for (const i of reach.get(p) ?? []) set.add(i);
    reach.set(id, [...set].sort((a, b) => a - b));
  }
  return reach;
}

/** A write-only sink (export): nothing downstream, run every time. */
function isDeferredKind(spec: NodeKindSpec | undefined): boolean {
  return spec !== undefined && spec.cache === false && spec.outputs.length === 0;
}

interface Build {
  nodes: PipelineNode[];
  edges: PipelineEdge[];
  /** `${nodeId}|${values of the dims reaching it}` -> the expanded id made for it. */
  made: Map<string, string>;
  ids: Set<string>;
}

function cloneFor(node: PipelineNode, variantId: string, combo: Combination, dims: readonly SweepDimension[], mapped: ReadonlyMap<string, string>, incoming: readonly PipelineEdge[], b: Build): string {
  const id = `${node.id}@${variantId}`;
  if (b.ids.has(id)) throw new WhittleError('sweep.id-taken', `The sweep would name a variant node "${id}", but the document already has a node with that id.`, 'Rename that node: ids with "@v" are kept for sweep variants.', node.id);
  const params = { ...node.params };
  dims.forEach((d, i) => { if (d.nodeId === node.id && combo[i] >= 0) params[d.param] = d.values[combo[i]]; });
  const { sweeps: _sweeps, ...rest } = node;
  b.nodes.push({ ...rest, id, params });
  b.ids.add(id);
  for (const e of incoming) b.edges.push({ from: [mapped.get(e.from[0]) ?? e.from[0], e.from[1]], to: [id, e.to[1]] });
  return id;
}

/** "3 Prune · Sparsity", or "4 settings of Prune · Method, Prune · Sparsity" for a collapsed node. */
function describeUnit(unit: SweepUnit, dims: readonly SweepDimension[]): string {
  if (unit.dims.length === 1) return `${unit.size} ${dims[unit.dims[0]].label}`;
  return `${unit.size} settings of ${unit.dims.map((i) => dims[i].label).join(', ')}`;
}

function withoutSweeps(node: PipelineNode): PipelineNode {
  const { sweeps: _sweeps, ...rest } = node;
  return rest;
}

/**
 * Expand a document's sweeps. The result document holds no sweeps and runs as any other;
 * the plan says which expanded node belongs to which variant and with what settings.
 * Throws a WhittleError when the sweep makes more variants than the budget allows.
 */
export function expandSweeps(doc: PipelineDocument, catalog: readonly NodeKindSpec[]): SweepExpansion {
  if (!hasSweeps(doc)) return { document: doc, plan: null };
  const kinds = new Map(catalog.map((k) => [k.kind, k]));
  const settings = doc.sweep ?? DEFAULT_SWEEP_SETTINGS;
  const dims = dimensionsOf(doc.nodes, kinds);
  const units = sweepUnits(doc.nodes, dims, kinds);
  const sizes = units.map((u) => u.size);
  const combos = sampleCombinations(sizes, settings, units.map((u) => describeUnit(u, dims)).join(' × ')).map((pick) => dimensionCombination(units, pick, dims.length));
  const { order } = topologicalOrder(doc.nodes.map((n) => n.id), doc.edges.map((e) => ({ from: e.from[0], to: e.to[0] })));
  const reach = reachingDimensions(order, doc.edges, dims);
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const deferred = order.filter((id) => reach.get(id)!.length > 0 && isDeferredKind(kinds.get(byId.get(id)!.kind)));
  const skip = new Set(deferred);
  const incoming = new Map<string, PipelineEdge[]>();
  for (const e of doc.edges) incoming.set(e.to[0], [...(incoming.get(e.to[0]) ?? []), e]);
  const b: Build = { nodes: [], edges: [], made: new Map(), ids: new Set(doc.nodes.map((n) => n.id)) };
  // Shared nodes and the edges between them first, in the document's own order.
  for (const node of doc.nodes) if (reach.get(node.id)!.length === 0) b.nodes.push(withoutSweeps(node));
  for (const e of doc.edges) if (reach.get(e.to[0])!.length === 0) b.edges.push(e);
  const variants = combos.map((combo, v) => {
    const variantId = `v${v + 1}`;
    const mapped = new Map<string, string>();
    for (const id of order) {
      if (skip.has(id)) continue;
      const own = reach.get(id)!;
      if (own.length === 0) { mapped.set(id, id); continue; }
      const key = `${id}|${own.map((i) => combo[i]).join(',')}`;
      let made = b.made.get(key);
      if (!made) {
        made = cloneFor(byId.get(id)!, variantId, combo, dims, mapped, incoming.get(id) ?? [], b);
        b.made.set(key, made);
      }
      mapped.set(id, made);
    }
    const variantSettings: Record<string, SweepValue> = {};
    dims.forEach((d, i) => { if (combo[i] >= 0) variantSettings[settingKey(d.nodeId, d.param)] = d.values[combo[i]]; });
    return { id: variantId, settings: variantSettings, nodes: Object.fromEntries(mapped) };
  });
  const { sweep: _sweep, ...rest } = doc;
  return {
    document: { ...rest, nodes: b.nodes, edges: b.edges },
    plan: { ...settings, productSize: productSize(sizes), dimensions: dims, variants, deferred },
  };
}

/**
 * The source document as one variant: every swept param set to the variant's value, sweeps
 * removed, deferred exports kept. Run it after the sweep and everything but the exports
 * comes from the cache (same params, same inputs, same keys).
 */
export function winnerDocument(source: PipelineDocument, variant: SweepVariant): PipelineDocument {
  const { sweep: _sweep, ...rest } = source;
  return {
    ...rest,
    name: `${source.name} (${variant.id})`,
    nodes: source.nodes.map((node) => {
      const params = { ...node.params };
      for (const param of Object.keys(node.sweeps ?? {})) {
        const value = variant.settings[settingKey(node.id, param)];
        if (value !== undefined) params[param] = value;
      }
      return { ...withoutSweeps(node), params };
    }),
  };
}

/**
 * The winner document with an export of the variant's model (`modelNodeId` is its id in the
 * expanded document, `port` its output): the source's own exports of that model when it has
 * some, else a new export node writing `path`.
 */
export function exportDocument(source: PipelineDocument, variant: SweepVariant, model: { nodeId: string; port: string }, path: string): PipelineDocument {
  const doc = winnerDocument(source, variant);
  const sourceId = Object.keys(variant.nodes).find((id) => variant.nodes[id] === model.nodeId) ?? model.nodeId;
  const kindOf = new Map(doc.nodes.map((n) => [n.id, n.kind]));
  if (doc.edges.some((e) => e.from[0] === sourceId && e.from[1] === model.port && kindOf.get(e.to[0]) === 'export')) return doc;
  let id = 'export-best';
  for (let i = 2; kindOf.has(id); i++) id = `export-best-${i}`;
  return {
    ...doc,
    nodes: [...doc.nodes, { id, kind: 'export', params: { path } }],
    edges: [...doc.edges, { from: [sourceId, model.port], to: [id, 'model'] }],
  };
}
