// Before channel analysis: shape vectors that exports compute at run time (PyTorch's
// Shape -> Gather -> Div -> Unsqueeze -> Concat chains feeding Reshape, Slice, Split) are
// replaced by constants when shape inference can fold them, so the analysis can read them
// and structured pruning can rewrite them to the kept channel counts.
import type { Model, Node } from '../../onnx/model.ts';
import { GraphIndex, setInitializer, uniqueName } from '../../onnx/graph.ts';
import { int64Tensor } from '../../onnx/tensor.ts';
import { inferShapes, type Dim, type ShapeInference } from '../../onnx/shapes.ts';
import { removeDeadCode } from '../../onnx/edit.ts';

/** Shape-vector inputs by op type (slots that hold int64 vectors of sizes, bounds or axes). */
const SHAPE_SLOTS: Record<string, number[]> = {
  Reshape: [1], Slice: [1, 2, 3, 4], Split: [1], Squeeze: [1], Unsqueeze: [1], Pad: [1], Tile: [1],
};

/** Folding one vector can make the next foldable (a Reshape's output shape known at last), block after block. */
const MAX_ROUNDS = 16;

/**
 * Replace every computed shape vector that folds to numbers by an int64 initializer. A symbol
 * (the batch size 'N') is allowed only in a Reshape target: where the input has the same
 * symbol at that position it becomes 0 ("copy this dimension"), and one other symbolic entry
 * (PyTorch's batch * heads of nn.MultiheadAttention) becomes -1 ("the rest"). Returns how
 * many inputs were folded.
 */
export function foldShapeInputs(model: Model): number {
  let folded = 0;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const n = foldRound(model);
    folded += n;
    if (n === 0) break;
  }
  if (folded > 0) removeDeadCode(model.graph);
  return folded;
}

function foldRound(model: Model): number {
  const index = new GraphIndex(model.graph);
  const slotsToFold = model.graph.node.flatMap((n) => (SHAPE_SLOTS[n.opType] ?? [])
    .filter((s) => n.input[s] && !index.initializers.has(n.input[s]) && index.producer.get(n.input[s])?.opType !== 'Constant')
    .map((s) => ({ node: n, slot: s })));
  if (slotsToFold.length === 0) return 0;
  const inferred = inferShapes(model);
  let folded = 0;
  for (const { node, slot } of slotsToFold) {
    const inputShape = inferred.shapes.get(node.input[0]);
    const v = inferred.values.get(node.input[slot]) ?? (node.opType === 'Reshape' ? symbolicVector(index, inferred, node.input[slot]) : undefined);
    const numbers = v ? concreteVector(node, slot, v, inputShape) : undefined;
    if (!numbers) continue;
    const name = uniqueName(model.graph, `${node.name || node.output[0]}.folded${slot}`);
    setInitializer(model.graph, int64Tensor(name, [numbers.length], numbers));
    node.input[slot] = name;
    folded++;
  }
  return folded;
}

function concreteVector(node: Node, slot: number, v: Dim[], inputShape: Dim[] | undefined): number[] | undefined {
  const allowZero = node.attribute.some((a) => a.name === 'allowzero' && Number(a.i) === 1);
  const isReshapeTarget = node.opType === 'Reshape' && slot === 1 && !allowZero;
  const out: number[] = [];
  let rest = false;
  for (let i = 0; i < v.length; i++) {
    const d = v[i];
    // Clamped: INT64_MAX ("to the end") does not survive a trip through a double.
    if (typeof d === 'number') { out.push(Math.max(-(2 ** 53), Math.min(2 ** 53, d))); continue; }
    if (!isReshapeTarget) return undefined;
    // A symbolic batch size passes through a Reshape as "copy the input's dimension".
    if (inputShape?.[i] === d) { out.push(0); continue; }
    // One product of symbols (batch * heads) is what the other entries leave: -1.
    if (rest || v.includes(-1)) return undefined;
    rest = true;
    out.push(-1);
  }
  return out;
}

/**
 * A Reshape target that shape inference leaves unfolded because an entry is a product with a
 * symbol (Mul(N, 4)): the entries as numbers or symbolic products ('N*4'), following Concat,
 * Unsqueeze/Squeeze/Cast/Identity and Mul of folded values. Undefined when any part is unknown.
 */
function symbolicVector(index: GraphIndex, inferred: ShapeInference, value: string, depth = 0): Dim[] | undefined {
  const known = inferred.values.get(value);
  if (known) return known;
  const node = index.producer.get(value);
  if (!node || depth > 16) return undefined;
  const arg = (i: number): Dim[] | undefined => (node.input[i] ? symbolicVector(index, inferred, node.input[i], depth + 1) : undefined);
  switch (node.opType) {
    case 'Identity': case 'Unsqueeze': case 'Squeeze': case 'Cast':
      return arg(0);
    case 'Concat': {
      const parts = node.input.map((_, i) => arg(i));
      return parts.every((p) => p !== undefined) ? (parts as Dim[][]).flat() : undefined;
    }
    case 'Mul': {
      const [a, b] = [arg(0), arg(1)];
      if (!a || !b || (a.length !== b.length && a.length !== 1 && b.length !== 1)) return undefined;
      return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => multiply(a[a.length === 1 ? 0 : i], b[b.length === 1 ? 0 : i]));
    }
    default:
      return undefined;
  }
}

/** Product of two dims; a symbolic product is named by its sorted factors ('4*N'), so equal products compare equal. */
function multiply(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  const factors = [a, b].flatMap((d) => (typeof d === 'number' ? (d === 1 ? [] : [String(d)]) : d.split('*')));
  return factors.sort().join('*');
}
