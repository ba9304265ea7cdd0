// Attention heads, for the fused-QKV layout (timm, our builder): Reshape [.., 3, H, Dh] ->
// Transpose/Split/Squeeze -> q.kT -> Softmax -> .v -> Transpose -> Reshape [.., H*Dh], and for
// PyTorch's nn.MultiheadAttention export, where Q, K and V are reshaped one by one with the
// heads folded into the batch axis. The core never mixes heads (they are a batch axis of both
// MatMuls), so a head is one component: its Q, K and V channels and the O projection's inputs
// go together; Dh never changes.
import type { Node } from '../../onnx/model.ts';
import { attrInt, attrInts, topologicalOrder } from '../../onnx/graph.ts';
import type { Shape } from '../../onnx/shapes.ts';
import type { ChannelAnalysis, View } from './depgraph.ts';

const CORE = new Set(['Transpose', 'Split', 'Squeeze', 'Unsqueeze', 'MatMul', 'Mul', 'Div', 'Softmax']);

/** Nodes between the split reshape and the merge reshape, if they form a closed attention core. */
function attentionCore(a: ChannelAnalysis, start: Node, isMerge: (n: Node) => boolean): { inside: Set<Node>; merge: Node } | undefined {
  const inside = new Set<Node>();
  const produced = new Set<string>(start.output);
  const queue = [start];
  let merge: Node | undefined;
  while (queue.length > 0) {
    const n = queue.pop()!;
    for (const o of n.output) {
      if (a.index.outputs.has(o)) return undefined;
      for (const c of a.index.consumersOf(o)) {
        if (inside.has(c) || c === merge) continue;
        if (c.opType === 'Reshape' && isMerge(c)) {
          if (merge) return undefined;
          merge = c;
          continue;
        }
        if (!CORE.has(c.opType) || (c.domain && c.domain !== 'ai.onnx')) return undefined;
        inside.add(c);
        c.output.forEach((x) => produced.add(x));
        queue.push(c);
      }
    }
  }
  if (!merge) return undefined;
  for (const n of inside) {
    // Every operand comes from the core, or is a scalar constant (the 1/sqrt(Dh) scale) or an axes/sizes vector.
    const foreign = n.input.filter((i) => i && !produced.has(i));
    if (n.opType === 'Mul' || n.opType === 'Div') {
      if (!foreign.every((i) => a.constants.has(i) && (a.constTensor(i)?.dims.reduce((p, q) => p * Number(q), 1) ?? 2) === 1)) return undefined;
    } else if (!foreign.every((i) => a.constants.has(i))) return undefined;
    if (n.opType === 'Softmax') {
      const rank = a.shapeOf(n.output[0])?.length ?? -1;
      const axis = attrInt(n, 'axis', -1);
      if (axis !== -1 && axis !== rank - 1) return undefined;
    }
  }
  return { inside, merge };
}

/** Returns false when the reshape is not the start of a recognized attention core. */
export function visitFusedAttention(a: ChannelAnalysis, node: Node, x: View, r: { b: number; target: number[]; outShape: Shape }): boolean {
  const { b, target, outShape } = r;
  const [three, H, Dh] = outShape.slice(b, b + 3);
  const slots = x.slots;
  if (three !== 3 || typeof H !== 'number' || typeof Dh !== 'number' || !slots || slots.length !== 3 * H * Dh || b !== x.rank - 1 || target[b + 1] === 0) return false;
  const D = H * Dh;
  const core = attentionCore(a, node, (n) => {
    const s = a.shapeOf(n.output[0]);
    return s !== undefined && s.length === b + 1 && s[b] === D;
  });
  if (!core) return false;
  const target2 = a.constInts(core.merge.input[1]);
  if (!target2 || target2[b] === 0) return false;
  for (let h = 0; h < H; h++) {
    for (let s = 0; s < 3; s++) for (let d = 0; d < Dh; d++) a.unionSlots(slots[h * Dh], slots[s * D + h * Dh + d]);
  }
  const heads: View = { ...x, slots: Int32Array.from({ length: H }, (_, h) => slots[h * Dh]) };
  // The merged output carries V's channels, head by head.
  const merged: View = { slots: slots.slice(2 * D, 3 * D), rank: b + 1, axis: b, flattened: false };
  if (target[b + 1] > 0) a.edits.push({ node, input: 1, original: target, entries: [{ index: b + 1, view: heads, scale: 1 }] });
  if (target2[b] > 0) a.edits.push({ node: core.merge, input: 1, original: target2, entries: [{ index: b, view: merged, scale: 1 }] });
  for (const n of core.inside) a.handled.add(n);
  a.handled.add(core.merge);
  a.views.set(node.output[0], a.fresh(-1, -1, 1, 'inside an attention core'));
  a.pass(core.merge, merged);
  return true;
}

/** Where a value of the batched-heads core keeps its heads (merged into a batch axis) and head width (-1: contracted away). */
interface HeadAxes { head: number; dh: number; rank: number }

const BATCHED_CORE = new Set(['Transpose', 'MatMul', 'Mul', 'Div', 'Softmax']);

interface SplitSpec { H: number; Dh: number; C: number }

/**
 * A Reshape that splits the last (channel) axis of [.., B, C] into [.., B*H, Dh]: the heads go
 * into the batch axis before it, heads minor (PyTorch's nn.MultiheadAttention export).
 */
function batchedSplit(a: ChannelAnalysis, node: Node, spec?: SplitSpec): SplitSpec | undefined {
  const x = a.views.get(node.input[0]);
  const target = a.constInts(node.input[1]);
  const [inShape, outShape] = [a.shapeOf(node.input[0]), a.shapeOf(node.output[0])];
  if (!x?.slots || x.flattened || !target || !inShape || !outShape) return undefined;
  const r = x.rank;
  const C = x.slots.length;
  const Dh = outShape[r - 1];
  if (x.axis !== r - 1 || r < 2 || inShape.length !== r || outShape.length !== r || target.length !== r || inShape[r - 1] !== C) return undefined;
  if (typeof Dh !== 'number' || Dh >= C || C % Dh !== 0) return undefined;
  const H = C / Dh;
  for (let i = 0; i < r - 2; i++) if (target[i] !== 0 && outShape[i] !== inShape[i]) return undefined;
  const B = inShape[r - 2];
  if (target[r - 2] !== -1 && !(typeof B === 'number' && target[r - 2] === B * H)) return undefined;
  if (spec && (spec.H !== H || spec.Dh !== Dh)) return undefined;
  return { H, Dh, C };
}

/** Nodes reachable from `first` through the core (both ways), bounded by split reshapes and one merge reshape. */
function batchedCore(a: ChannelAnalysis, first: Node, spec: SplitSpec): { splits: Node[]; inside: Set<Node>; merge: Node } | undefined {
  const splits = [first];
  const inside = new Set<Node>();
  let merge: Node | undefined;
  const queue = [first];
  const isMerge = (n: Node): boolean => {
    const [inShape, outShape, target] = [a.shapeOf(n.input[0]), a.shapeOf(n.output[0]), a.constInts(n.input[1])];
    return !!inShape && !!outShape && !!target && inShape[inShape.length - 1] === spec.Dh && outShape[outShape.length - 1] === spec.C
      && (target[target.length - 1] === spec.C || target[target.length - 1] === -1);
  };
  const meet = (n: Node, forward: boolean): boolean => {
    if (splits.includes(n) || inside.has(n) || n === merge) return true;
    if (n.opType === 'Reshape') {
      if (!forward && batchedSplit(a, n, spec) && !a.views.has(n.output[0])) { splits.push(n); queue.push(n); return true; }
      if (forward && !merge && isMerge(n)) { merge = n; return true; }
      return false;
    }
    if (!BATCHED_CORE.has(n.opType) || (n.domain && n.domain !== 'ai.onnx')) return false;
    inside.add(n);
    queue.push(n);
    return true;
  };
  while (queue.length > 0) {
    const n = queue.pop()!;
    for (const o of n.output) {
      if (a.index.outputs.has(o)) return undefined;
      if (!a.index.consumersOf(o).every((c) => meet(c, true))) return undefined;
    }
    if (splits.includes(n)) continue;
    for (const i of n.input) {
      if (!i || a.constants.has(i)) continue;
      const p = a.index.producer.get(i);
      if (!p || !meet(p, false)) return undefined;
    }
  }
  return merge ? { splits, inside, merge } : undefined;
}

/** Head and head-width axes through the core in graph order; false when heads would mix or the merge would not read them head-major. */
function headsStayApart(a: ChannelAnalysis, core: { splits: Node[]; inside: Set<Node>; merge: Node }): boolean {
  const axes = new Map<string, HeadAxes>();
  for (const s of core.splits) {
    const r = a.shapeOf(s.output[0])!.length;
    axes.set(s.output[0], { head: r - 2, dh: r - 1, rank: r });
  }
  for (const n of topologicalOrder(a.model.graph)) {
    if (!core.inside.has(n)) continue;
    const [x, y] = n.input.map((i) => axes.get(i));
    if (!x) return false;
    let out: HeadAxes | undefined;
    if (n.opType === 'Transpose') {
      const perm = attrInts(n, 'perm', []);
      if (perm.length !== x.rank) return false;
      out = { head: perm.indexOf(x.head), dh: x.dh < 0 ? -1 : perm.indexOf(x.dh), rank: x.rank };
    } else if (n.opType === 'MatMul') {
      const r = x.rank;
      if (!y || y.rank !== r || x.head !== y.head || x.head >= r - 2) return false;
      if (x.dh === r - 1 && y.dh === r - 2) out = { head: x.head, dh: -1, rank: r };
      else if (x.dh < 0 && y.dh === r - 1) out = { head: x.head, dh: r - 1, rank: r };
      else return false;
    } else {
      // Mul/Div by a scalar constant, Softmax over an axis that is neither heads nor head width.
      const foreign = n.input.slice(1).filter((i) => i && !axes.has(i));
      if (!foreign.every((i) => a.constants.has(i) && (a.constTensor(i)?.dims.reduce((p, q) => p * Number(q), 1) ?? 2) === 1)) return false;
      if (y && (y.head !== x.head || y.dh !== x.dh)) return false;
      if (n.opType === 'Softmax') {
        const axis = attrInt(n, 'axis', -1);
        const at = axis < 0 ? axis + x.rank : axis;
        if (at === x.head || at === x.dh) return false;
      }
      out = x;
    }
    axes.set(n.output[0], out);
  }
  const m = axes.get(core.merge.input[0]);
  return !!m && m.head === m.rank - 2 && m.dh === m.rank - 1;
}

/**
 * Attention with the heads in the batch axis (PyTorch nn.MultiheadAttention): Q, K and V are
 * each reshaped [L, B, H*Dh] -> [L, B*H, Dh], attended batch by batch, and merged back by a
 * Reshape to [.., H*Dh]. A head is one component across Q, K, V and the merge; Dh never changes
 * and a -1 batch entry follows the head count by itself.
 */
export function visitBatchedHeadsAttention(a: ChannelAnalysis, node: Node, x: View): boolean {
  const spec = batchedSplit(a, node);
  const core = spec ? batchedCore(a, node, spec) : undefined;
  if (!spec || !core || !headsStayApart(a, core)) return false;
  const { H, Dh, C } = spec;
  const first = x.slots!;
  const heads: View = { ...x, slots: Int32Array.from({ length: H }, (_, h) => first[h * Dh]) };
  for (const s of core.splits) {
    const slots = a.views.get(s.input[0])!.slots!;
    for (let h = 0; h < H; h++) for (let d = 0; d < Dh; d++) a.unionSlots(first[h * Dh], slots[h * Dh + d]);
    const target = a.constInts(s.input[1])!;
    const B = a.shapeOf(s.input[0])![x.rank - 2];
    if (target[x.rank - 2] > 0) a.edits.push({ node: s, input: 1, original: target, entries: [{ index: x.rank - 2, view: heads, scale: B as number }] });
    a.handled.add(s);
    a.views.set(s.output[0], a.fresh(-1, -1, 1, 'inside an attention core'));
  }
  const target = a.constInts(core.merge.input[1])!;
  const rank = a.shapeOf(core.merge.output[0])!.length;
  const merged: View = { slots: first, rank, axis: rank - 1, flattened: false };
  if (target[target.length - 1] === C) a.edits.push({ node: core.merge, input: 1, original: target, entries: [{ index: target.length - 1, view: merged, scale: 1 }] });
  for (const n of core.inside) a.handled.add(n);
  a.handled.add(core.merge);
  a.pass(core.merge, merged);
  return true;
}
