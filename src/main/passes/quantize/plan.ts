// Which nodes become int8 and which tensors carry Q/DQ, following the groups ONNX
// Runtime's CPU provider fuses (QLinearConv, QGemm, QLinearMatMul / MatMulIntegerToFloat,
// QLinearAdd/Mul, QLinearConcat, QLinear pooling and activations). Data-movement ops share
// their input's scale so ORT drops their Q/DQ; Relu/Clip fold into the producer's range.
import { DataType } from '../../onnx/proto.ts';
import type { Model, Node } from '../../onnx/model.ts';
import { attrInt, GraphIndex, topologicalOrder } from '../../onnx/graph.ts';
import { tensorToFloat32 } from '../../onnx/tensor.ts';
import type { ValueType } from './probe.ts';
import type { ExclusionOptions, FloatNode } from './types.ts';

export type Role = 'compute' | 'binary' | 'unary' | 'concat' | 'movement';

const ROLES: Record<string, Role> = {
  Conv: 'compute', Gemm: 'compute', MatMul: 'compute',
  Add: 'binary', Mul: 'binary',
  AveragePool: 'unary', GlobalAveragePool: 'unary', LeakyRelu: 'unary', Sigmoid: 'unary', Softmax: 'unary',
  Concat: 'concat',
  Reshape: 'movement', Flatten: 'movement', Transpose: 'movement', Squeeze: 'movement', Unsqueeze: 'movement',
  MaxPool: 'movement', Slice: 'movement', Gather: 'movement', Expand: 'movement', Tile: 'movement',
  Resize: 'movement', Identity: 'movement',
};

/** Float ops ORT has no int8 kernel for, with the sentence the report shows. */
const FLOAT_REASONS: Record<string, string> = {
  BatchNormalization: 'no int8 kernel; it is folded into a preceding Conv when there is one, this one has none',
  LayerNormalization: 'normalization is numerically sensitive and has no int8 kernel in ONNX Runtime',
  Relu: 'its producer is not quantized (or activations are symmetric), so it cannot fold into a quantization range',
  Clip: 'its producer is not quantized, its bounds are not constant, or activations are symmetric',
  Div: 'no int8 kernel in ONNX Runtime\'s CPU provider',
  Sub: 'no int8 kernel in ONNX Runtime\'s CPU provider',
};

export interface PlannedNode {
  node: Node;
  role: Role;
  /** Activation inputs (by position) that get Q/DQ. */
  activationInputs: number[];
  /** Initializer inputs quantized like activations (Add/Mul/Concat constants). */
  constantInputs: number[];
  /** Output tensor that gets Q/DQ (after a folded Relu/Clip), or undefined for a float output. */
  quantizedOutput?: string;
  /** Weight input (Conv/Gemm/MatMul with an initializer B) and its per-channel axis. */
  weightInput?: number;
  weightAxis?: number;
  biasInput?: number;
  /** Relu/Clip absorbed into this node's output range. */
  folded?: Node;
}

export interface QuantPlan {
  nodes: PlannedNode[];
  /** Activation tensors with Q/DQ -> the tensor whose scale they use (themselves unless shared). */
  tensors: Map<string, string>;
  floatNodes: FloatNode[];
}

export interface PlanSettings extends ExclusionOptions {
  /** Relu/Clip can fold only when the zero point may sit at the type's minimum. */
  asymmetric: boolean;
}

export function roleOf(opType: string): Role | undefined {
  return ROLES[opType];
}

/** Shape arithmetic and data movement: nodes that compute no values of their own. */
const PLUMBING = new Set([
  'Shape', 'Size', 'Gather', 'GatherElements', 'GatherND', 'Slice', 'Concat', 'Split', 'Reshape', 'Flatten', 'Squeeze',
  'Unsqueeze', 'Transpose', 'Identity', 'Cast', 'Constant', 'ConstantOfShape', 'Expand', 'Tile', 'Range', 'Pad',
  'NonZero', 'Where', 'Equal', 'Less', 'Greater', 'Not', 'And', 'Or', 'DepthToSpace', 'SpaceToDepth', 'Dropout',
]);

export function isPlumbing(opType: string): boolean {
  return PLUMBING.has(opType) || ROLES[opType] === 'movement';
}

export function planQuantization(model: Model, types: Map<string, ValueType>, settings: PlanSettings): QuantPlan {
  const g = model.graph;
  const index = new GraphIndex(g);
  const order = topologicalOrder(g);
  const isFloat = (t: string): boolean => {
    if (!t) return false;
    const init = index.initializers.get(t);
    if (init) return init.dataType === DataType.FLOAT;
    return types.get(t)?.type === 'float32';
  };
  const isActivation = (t: string): boolean => isFloat(t) && !index.isInitializer(t);
  const exclusionOf = exclusionRule(order, index, settings);

  const tensors = new Map<string, string>();
  const nodes: PlannedNode[] = [];
  const floatNodes: FloatNode[] = [];
  const folded = new Set<Node>();
  const rootOf = (t: string): string => tensors.get(t) ?? t;
  const wantsQuantizedInput = (n: Node): boolean => {
    const role = ROLES[n.opType];
    return role !== undefined && role !== 'movement' ? !exclusionOf(n) : role === 'movement' || n.opType === 'Relu' || n.opType === 'Clip';
  };

  for (const node of order) {
    if (folded.has(node)) continue;
    const role = ROLES[node.opType];
    const touchesFloat = node.input.some(isActivation) || node.output.some(isActivation);
    if (!role) {
      if (touchesFloat) floatNodes.push({ node: node.name, opType: node.opType, reason: FLOAT_REASONS[node.opType] ?? 'ONNX Runtime\'s CPU provider has no int8 kernel for this operator' });
      continue;
    }
    const excluded = exclusionOf(node);
    if (excluded) {
      floatNodes.push({ node: node.name, opType: node.opType, reason: excluded });
      continue;
    }
    if (node.opType === 'Softmax' && !settings.asymmetric) {
      floatNodes.push({ node: node.name, opType: node.opType, reason: 'ORT\'s int8 Softmax needs an asymmetric output range fixed at [0, 1); symmetric activations cannot give it' });
      continue;
    }
    const planned = planNode(node, role, index, isActivation, isFloat, tensors);
    if (typeof planned === 'string') {
      if (touchesFloat) floatNodes.push({ node: node.name, opType: node.opType, reason: planned });
      continue;
    }
    // Output: Conv and the QLinear ops need an output Q to fuse; Gemm/MatMul keep a float
    // output (QGemm / MatMulIntegerToFloat) when nothing after them is quantized.
    const out = node.output[0];
    const consumers = index.consumersOf(out);
    const needOut = role !== 'compute' || node.opType === 'Conv' || consumers.some(wantsQuantizedInput);
    if (needOut && isActivation(out)) {
      let qOut = out;
      const next = index.soleConsumer(out);
      if (next && settings.asymmetric && role !== 'movement' && canFold(next, index)) {
        planned.folded = next;
        folded.add(next);
        qOut = next.output[0];
      }
      planned.quantizedOutput = qOut;
      tensors.set(qOut, role === 'movement' ? rootOf(node.input[0]) : qOut);
    }
    for (const i of planned.activationInputs) if (!tensors.has(node.input[i])) tensors.set(node.input[i], node.input[i]);
    nodes.push(planned);
  }
  return { nodes, tensors, floatNodes };
}

function planNode(node: Node, role: Role, index: GraphIndex, isActivation: (t: string) => boolean, isFloat: (t: string) => boolean, tensors: Map<string, string>): PlannedNode | string {
  const base: PlannedNode = { node, role, activationInputs: [], constantInputs: [] };
  if (role === 'movement') {
    if (!isActivation(node.input[0])) return 'data movement on non-float or constant data';
    if (!tensors.has(node.input[0])) return 'data movement: its input is not quantized, so it runs in float';
    if (node.output.filter((o) => o).length !== 1) return 'has a second output (e.g. MaxPool indices)';
    return { ...base, activationInputs: [0] };
  }
  if (role === 'compute') {
    if (!isActivation(node.input[0])) return 'its first input is not a float activation';
    const layout = computeLayout(node, index);
    if (layout === undefined) {
      if (node.opType === 'MatMul' && isActivation(node.input[1])) return { ...base, activationInputs: [0, 1] };
      return `weights are not a constant float initializer of the layout ONNX Runtime's int8 ${node.opType} takes`;
    }
    if (node.input[2] && !index.isInitializer(node.input[2])) return 'bias is not a constant initializer';
    return { ...base, activationInputs: [0], weightInput: 1, weightAxis: layout, biasInput: node.input[2] ? 2 : undefined };
  }
  const inputs = role === 'unary' ? [0] : node.input.map((_, i) => i).filter((i) => node.input[i]);
  if (role === 'binary' && inputs.length !== 2) return 'expects two inputs';
  for (const i of inputs) if (!isFloat(node.input[i])) return 'has a non-float input';
  return {
    ...base,
    activationInputs: inputs.filter((i) => isActivation(node.input[i])),
    constantInputs: inputs.filter((i) => index.isInitializer(node.input[i])),
  };
}

/** Per-channel axis of the weight (initializer input 1), or undefined when it is not a usable weight. */
export function computeLayout(node: Node, index: GraphIndex): number | undefined {
  const w = index.initializers.get(node.input[1]);
  if (!w || w.dataType !== DataType.FLOAT) return undefined;
  const rank = w.dims.length;
  if (node.opType === 'Conv') return rank >= 3 ? 0 : undefined;
  if (node.opType === 'Gemm') return rank === 2 ? (attrInt(node, 'transB', 0) ? 0 : 1) : undefined;
  if (node.opType === 'MatMul') return rank === 2 ? 1 : undefined;
  return undefined;
}

/** Relu, or Clip with constant bounds whose minimum is at most 0 (the quantized range starts there). */
function canFold(node: Node, index: GraphIndex): boolean {
  if (index.outputs.has(node.output[0])) return false;
  if (node.opType === 'Relu') return true;
  if (node.opType !== 'Clip') return false;
  const lo = node.input[1] ? index.initializers.get(node.input[1]) : undefined;
  if (node.input[1] && !lo) return false;
  if (node.input[2] && !index.initializers.get(node.input[2])) return false;
  if (node.attribute.some((a) => a.name === 'min' || a.name === 'max')) return false;
  return !lo || tensorToFloat32(lo)[0] <= 0;
}

/** The reason a node is excluded by the user's options, or undefined. */
export function exclusionRule(order: Node[], index: GraphIndex, settings: ExclusionOptions): (n: Node) => string | undefined {
  const excludedNames = new Set(settings.excludeNodes ?? []);
  const excludedOps = new Set(settings.excludeOpTypes ?? []);
  const weighted = order.filter((n) => n.opType in { Conv: 1, Gemm: 1, MatMul: 1 } && computeLayout(n, index) !== undefined);
  return (n: Node): string | undefined => {
    if (excludedNames.has(n.name)) return 'excluded by name';
    if (excludedOps.has(n.opType)) return `excluded by op type ${n.opType}`;
    if (settings.excludeFirst && weighted[0] === n) return 'first layer kept in float (excludeFirst)';
    if (settings.excludeLast && weighted[weighted.length - 1] === n) return 'last layer kept in float (excludeLast)';
    return undefined;
  };
}
