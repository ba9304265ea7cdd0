// Structured channel pruning: remove whole filters/neurons group by group (depgraph.ts), so
// tensors really shrink and MACs drop. Importance: L1/L2 of the group's filters or |gamma| of
// its BatchNormalizations; ratio uniform per group or one global ranking; channel counts
// rounded to a multiple (8 keeps ONNX Runtime's blocked-layout kernels) and a floor per layer.
import type { Model, Tensor } from '../../onnx/model.ts';
import { cloneModel, setMetadata } from '../../onnx/model.ts';
import { MASK_KEY, readMask } from './mask.ts';
import { GraphIndex, setAttr, setInitializer, uniqueName } from '../../onnx/graph.ts';
import { float32Tensor, makeTensor, tensorToFloat32, type TypedArray } from '../../onnx/tensor.ts';
import { DataType } from '../../onnx/proto.ts';
import { WhittleError } from '../../../shared/errors.ts';
import { buildDependencyGraph, OUTPUT_REASON, type DependencyGraph, type Member, type Space } from './depgraph.ts';
import { applyCountEdit, applyPermuteEdit, groupComponents, keptPositions, viewChanges } from './channel-components.ts';
import { foldShapeInputs } from './fold-shapes.ts';
import { layerName, resolveInitializer, sliceAxis } from './layers.ts';
import { checkSparsity } from './magnitude.ts';

export interface ChannelPruneOptions {
  /** Fraction of channels removed per group (uniform) or overall (global), in [0, 1). */
  ratio: number;
  importance?: 'l1' | 'l2' | 'bn';
  scope?: 'uniform' | 'global';
  /** Same as channelMultiple 8 and minChannels 8 (the option's older name). */
  roundTo8?: boolean;
  /** Kept channel counts are multiples of this (default 1: the exact ratio). */
  channelMultiple?: number;
  /** No group is pruned below this many channels; a group this small or smaller is left intact (default 1). */
  minChannels?: number;
  /** Per-group ratio by the name of any Conv/Gemm layer producing the group. */
  overrides?: Record<string, number>;
  /** Groups containing one of these layers are left intact. */
  skip?: string[];
}

export interface ChannelGroupReport {
  id: number;
  layers: string[];
  channels: number;
  kept: number;
  /** Why the group was left intact, when it was. */
  blocked?: string;
  /** Left intact only because it reaches a graph output (the model's interface): expected, not a shortfall. */
  atOutput?: true;
}

export interface ChannelPruneResult {
  model: Model;
  groups: ChannelGroupReport[];
  /** Layers outside every group (their weight is not stored in the model). */
  skippedLayers: { layer: string; reason: string }[];
  warnings: string[];
}

/**
 * Channels a group keeps after rounding: at least `minChannels` (a group that small is kept
 * whole), a multiple of `multiple` unless that would be the whole group anyway. Layers left
 * with 3 or 7 channels fall off ONNX Runtime's blocked-layout (NCHWc) fast path and can run
 * slower than the unpruned layer.
 */
export function roundKeep(keep: number, size: number, multiple: number, minChannels: number): number {
  const k = Math.max(1, Math.min(size, keep));
  if (size <= minChannels) return size;
  const floor = Math.max(k, minChannels);
  if (multiple <= 1) return floor;
  const rounded = Math.max(Math.ceil(minChannels / multiple) * multiple, Math.round(floor / multiple) * multiple);
  return Math.min(size, rounded);
}

/** How many channels each prunable group keeps. */
function keepCounts(groups: (Space & { width?: number })[], imp: Map<number, Float64Array>, opts: ChannelPruneOptions, ratioOf: (s: Space) => number | undefined): Map<number, number> {
  const counts = new Map<number, number>();
  const globalGroups = opts.scope === 'global' ? groups.filter((s) => ratioOf(s) === undefined) : [];
  for (const s of groups) {
    if (globalGroups.includes(s)) continue;
    counts.set(s.id, s.size - Math.round((ratioOf(s) ?? opts.ratio) * s.size));
  }
  if (globalGroups.length > 0) {
    // Rank channels of all groups together, each group's importance scaled by its mean.
    const all: { id: number; score: number }[] = [];
    for (const s of globalGroups) {
      const v = imp.get(s.id)!;
      const mean = v.reduce((a, b) => a + b, 0) / v.length || 1;
      v.forEach((x) => all.push({ id: s.id, score: x / mean }));
      counts.set(s.id, s.size);
    }
    all.sort((a, b) => a.score - b.score);
    let remove = Math.round(opts.ratio * all.length);
    for (const c of all) {
      if (remove <= 0) break;
      if (counts.get(c.id)! > 1) { counts.set(c.id, counts.get(c.id)! - 1); remove--; }
    }
  }
  const multiple = opts.channelMultiple ?? (opts.roundTo8 ? 8 : 1);
  const minChannels = opts.minChannels ?? (opts.roundTo8 ? 8 : 1);
  // Rounding is about layer widths: a component `width` channels wide (an attention head, one
  // channel of every group of a grouped Conv) reaches a multiple of 8 channels in fewer units.
  for (const s of groups) {
    const w = s.width ?? 1;
    counts.set(s.id, roundKeep(counts.get(s.id)!, s.size, multiple / gcd(multiple, w), Math.ceil(minChannels / w)));
  }
  return counts;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Channels one component spans in the narrowest layer of the group (1 for plain channels). */
function componentWidth(dg: DependencyGraph, s: Space, components: number): number {
  const widths = dg.spaces.filter((x) => dg.root(x.id) === s.id && x.sources.length > 0).map((x) => {
    const roots = new Set(Array.from({ length: x.size }, (_, i) => dg.slotRoot(x.first + i)));
    return x.size / roots.size;
  });
  return components > 0 && widths.length > 0 ? Math.max(1, Math.floor(Math.min(...widths))) : 1;
}

function sliceTensor(t: Tensor, axis: number, kept: number[]): { dims: number[]; data: TypedArray } {
  const dims = t.dims.map(Number);
  if (t.dataType === DataType.FLOAT) return { dims: dims.map((d, i) => (i === axis ? kept.length : d)), data: sliceAxis(tensorToFloat32(t), dims, axis, kept) };
  throw new WhittleError('prune.unsupported-type', `Tensor '${t.name}' is not float32; structured pruning cannot slice it.`);
}

function applyMember(model: Model, m: Member, dg: DependencyGraph, removed: Set<number>, renamed: Map<string, string>): void {
  if (!viewChanges(m.view, dg, removed)) return;
  const kept = keptPositions(m.view, m.spatial, dg, removed);
  if (m.input === -1) { setAttr(m.node, 'group', kept.length); return; }
  const index = new GraphIndex(model.graph);
  const value = m.node.input[m.input];
  const t = resolveInitializer(index, value) ?? (index.producer.get(value)?.attribute.find((a) => a.name === 'value')?.t as Tensor | undefined);
  if (!t) throw new WhittleError('internal', `Tensor '${value}' vanished while pruning.`);
  const full = t.dims.map(Number)[m.axis];
  if (kept.length === full) return;
  const { dims, data } = sliceTensor(t, m.axis, kept);
  const name = uniqueName(model.graph, `${t.name || value}.pruned`);
  setInitializer(model.graph, data instanceof Float32Array ? float32Tensor(name, dims, data) : makeTensor(name, dims, data));
  m.node.input[m.input] = name;
  renamed.set(t.name, name);
}

/** Keep the unstructured mask (mask.ts) pointing at the sliced copies of masked weights. */
function renameMasked(model: Model, renamed: Map<string, string>): void {
  const mask = readMask(model);
  if (!mask) return;
  const follow = (n: string): string => { let x = n; while (renamed.has(x)) x = renamed.get(x)!; return x; };
  const tensors = mask.tensors.map(follow);
  setMetadata(model, MASK_KEY, JSON.stringify({ ...mask, tensors: [...new Set(tensors)].filter((n) => model.graph.initializer.some((t) => t.name === n)).sort() }));
}

/** Drop initializers and constant nodes nothing reads any more. */
function removeUnused(model: Model): void {
  const g = model.graph;
  const initializers = new Set(g.initializer.map((t) => t.name));
  for (;;) {
    const used = new Set<string>([...g.node.flatMap((n) => n.input), ...g.output.map((o) => o.name)]);
    const before = g.node.length + g.initializer.length;
    g.node = g.node.filter((n) => n.output.some((o) => used.has(o)) || !['Identity', 'Constant'].includes(n.opType));
    g.initializer = g.initializer.filter((t) => used.has(t.name));
    g.input = g.input.filter((v) => used.has(v.name) || !initializers.has(v.name));
    if (g.node.length + g.initializer.length === before) break;
  }
  // Intermediate shapes changed; stale value_info would mislead ONNX Runtime's shape checks.
  g.valueInfo = [];
}

/**
 * A group's ranking is global over its channels, so every channel of one output of a Split
 * can rank lowest: a C2f block pruned by half lost its whole first half ({4, 0, 80, 80}),
 * which ORT runs but calibration does not take. Each output keeps at least `minChannels`
 * (or all it has), its most important channels put back.
 */
function keepEveryPiece(dg: DependencyGraph, removed: Set<number>, importanceOf: Map<number, number>, minChannels: number): void {
  for (const e of dg.edits) {
    if (e.node.opType !== 'Split') continue;
    for (const { view } of e.entries) {
      if (!view.slots) continue;
      const roots = [...new Set(Array.from(view.slots, (slot) => dg.slotRoot(slot)))];
      const need = Math.min(roots.length, minChannels) - roots.filter((r) => !removed.has(r)).length;
      if (need <= 0) continue;
      const back = roots.filter((r) => removed.has(r)).sort((a, b) => (importanceOf.get(b) ?? 0) - (importanceOf.get(a) ?? 0) || a - b);
      for (const r of back.slice(0, need)) removed.delete(r);
    }
  }
}

export function pruneChannels(input: Model, options: ChannelPruneOptions): ChannelPruneResult {
  checkSparsity(options.ratio, 'The channel ratio');
  for (const [name, v] of [['channel multiple', options.channelMultiple], ['fewest channels', options.minChannels]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) {
      throw new WhittleError('prune.bad-channel-rounding', `The ${name} must be a whole number of at least 1 (got ${v}).`, 'Use 8 for CPUs (ONNX Runtime\'s blocked layouts), 16 or 32 for TensorRT int8; 1 keeps the exact ratio.');
    }
  }
  for (const [name, r] of Object.entries(options.overrides ?? {})) checkSparsity(r, `The channel ratio for layer '${name}'`);
  const model = cloneModel(input);
  foldShapeInputs(model);
  const dg = buildDependencyGraph(model);
  const index = new GraphIndex(model.graph);
  const warnings: string[] = [];
  const skip = new Set(options.skip ?? []);
  const roots = dg.spaces.filter((s) => dg.root(s.id) === s.id && s.sources.length > 0);
  const reports: ChannelGroupReport[] = [];
  const prunable: Space[] = [];
  for (const s of roots) {
    const layers = [...new Set(s.sources.map((x) => layerName(x.node)))];
    const skipped = layers.find((l) => skip.has(l));
    const blocked = s.blocked[0] ?? (skipped ? `layer '${skipped}' is listed in the layers to skip` : undefined);
    const atOutput = !skipped && s.blocked.length > 0 && s.blocked.every((r) => r.startsWith(OUTPUT_REASON));
    reports.push({ id: s.id, layers, channels: s.size, kept: s.size, blocked, ...(atOutput ? { atOutput: true as const } : {}) });
    if (!blocked) prunable.push(s);
  }
  if (prunable.length === 0) {
    const why = [...reports.map((r) => `${r.layers.join('+')}: ${r.blocked}`), ...dg.skippedLayers.map((l) => `${l.layer}: ${l.reason}`)].slice(0, 4).join('; ');
    throw new WhittleError('prune.no-prunable-layer', `The model has no channel group that can be pruned safely${why ? ` (${why})` : ' (no Conv/Gemm/MatMul with stored weights)'}.`, 'Structured pruning needs Conv/Gemm layers whose outputs feed layers it can follow; try unstructured pruning instead.');
  }
  // A group's unit is a component: channels joined by a shuffle or grouped Conv go together.
  const components = groupComponents(dg, prunable, index, options.importance ?? 'l1', warnings);
  const sized = prunable.map((s) => ({ ...s, size: components.get(s.id)!.roots.length, width: componentWidth(dg, s, components.get(s.id)!.roots.length) }));
  const imp = new Map(sized.map((s) => [s.id, components.get(s.id)!.importance]));
  const ratioOf = (s: Space): number | undefined => s.sources.map((x) => options.overrides?.[layerName(x.node)]).find((r) => r !== undefined);
  const counts = keepCounts(sized, imp, options, ratioOf);
  const removed = new Set<number>();
  const importanceOf = new Map<number, number>();
  for (const s of sized) {
    const { roots: list, importance: v } = components.get(s.id)!;
    list.forEach((root, i) => importanceOf.set(root, v[i]));
    const order = Array.from({ length: s.size }, (_, i) => i).sort((a, b) => v[b] - v[a] || a - b);
    for (const i of order.slice(counts.get(s.id)!)) removed.add(list[i]);
  }
  keepEveryPiece(dg, removed, importanceOf, options.minChannels ?? (options.roundTo8 ? 8 : 1));
  for (const s of sized) {
    const kept = components.get(s.id)!.roots.filter((root) => !removed.has(root)).length;
    Object.assign(reports.find((r) => r.id === s.id)!, { channels: s.size, kept });
  }
  const renamed = new Map<string, string>();
  for (const m of dg.members) applyMember(model, m, dg, removed, renamed);
  for (const e of dg.edits) applyCountEdit(model, e, dg, removed);
  for (const e of dg.gathers) applyPermuteEdit(model, e, dg, removed);
  removeUnused(model);
  renameMasked(model, renamed);
  return { model, groups: reports, skippedLayers: dg.skippedLayers, warnings };
}
