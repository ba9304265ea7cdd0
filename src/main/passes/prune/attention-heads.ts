// Attention heads, for the fused-QKV layout (timm, our builder): Reshape [.., 3, H, Dh] ->
// Transpose/Split/Squeeze -> q.kT -> Softmax -> .v -> Transpose -> Reshape [.., H*Dh]. The
// core never mixes heads (they are a batch axis of both MatMuls), so a head is one component:
// its Q, K and V channels and the O projection's inputs go together; Dh never changes.
import type { Node } from '../../onnx/model.ts';
import { attrInt } from '../../onnx/graph.ts';
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
