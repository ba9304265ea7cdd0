// Before channel analysis: shape vectors that exports compute at run time (PyTorch's
// Shape -> Gather -> Div -> Unsqueeze -> Concat chains feeding Reshape, Slice, Split) are
// replaced by constants when shape inference can fold them, so the analysis can read them
// and structured pruning can rewrite them to the kept channel counts.
import type { Model, Node } from '../../onnx/model.ts';
import { GraphIndex, setInitializer, uniqueName } from '../../onnx/graph.ts';
import { int64Tensor } from '../../onnx/tensor.ts';
import { inferShapes, type Dim } from '../../onnx/shapes.ts';
import { removeDeadCode } from '../../onnx/edit.ts';

/** Shape-vector inputs by op type (slots that hold int64 vectors of sizes, bounds or axes). */
const SHAPE_SLOTS: Record<string, number[]> = {
  Reshape: [1], Slice: [1, 2, 3, 4], Split: [1], Squeeze: [1], Unsqueeze: [1], Pad: [1], Tile: [1],
};

/**
 * Replace every computed shape vector that folds to numbers by an int64 initializer. A symbol
 * (the batch size 'N') is allowed only in a Reshape target at the position where the input has
 * the same symbol: it becomes 0 ("copy this dimension"). Returns how many inputs were folded.
 */
export function foldShapeInputs(model: Model): number {
  const index = new GraphIndex(model.graph);
  const slotsToFold = model.graph.node.flatMap((n) => (SHAPE_SLOTS[n.opType] ?? [])
    .filter((s) => n.input[s] && !index.initializers.has(n.input[s]) && index.producer.get(n.input[s])?.opType !== 'Constant')
    .map((s) => ({ node: n, slot: s })));
  if (slotsToFold.length === 0) return 0;
  const inferred = inferShapes(model);
  let folded = 0;
  for (const { node, slot } of slotsToFold) {
    const v = inferred.values.get(node.input[slot]);
    const numbers = v ? concreteVector(node, slot, v, inferred.shapes.get(node.input[0])) : undefined;
    if (!numbers) continue;
    const name = uniqueName(model.graph, `${node.name || node.output[0]}.folded${slot}`);
    setInitializer(model.graph, int64Tensor(name, [numbers.length], numbers));
    node.input[slot] = name;
    folded++;
  }
  if (folded > 0) removeDeadCode(model.graph);
  return folded;
}

function concreteVector(node: Node, slot: number, v: Dim[], inputShape: Dim[] | undefined): number[] | undefined {
  const allowZero = node.attribute.some((a) => a.name === 'allowzero' && Number(a.i) === 1);
  const out: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const d = v[i];
    // Clamped: INT64_MAX ("to the end") does not survive a trip through a double.
    if (typeof d === 'number') { out.push(Math.max(-(2 ** 53), Math.min(2 ** 53, d))); continue; }
    // A symbolic batch size passes through a Reshape as "copy the input's dimension".
    if (node.opType === 'Reshape' && slot === 1 && !allowZero && inputShape?.[i] === d) { out.push(0); continue; }
    return undefined;
  }
  return out;
}
