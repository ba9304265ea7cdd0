// Channel dependency analysis over an ONNX graph, in the spirit of DepGraph (Torch-Pruning):
// every channel a Conv/Gemm/MatMul produces is a slot; an activation's channel axis is a list
// of slots (a "view"). Ops that tie channels together (residual Add/Mul, BN, activations,
// depthwise Conv, channel shuffle, grouped Conv) join slots; Concat, Split and Slice lay slots
// side by side or cut them. Joined slots form a component that is kept or removed as a whole;
// spaces (a layer's output channels) joined through any slot form one group in the report.
import type { Model, Node, Tensor } from '../../onnx/model.ts';
import { attrInt, attrInts, GraphIndex, topologicalOrder, valueInfoDims } from '../../onnx/graph.ts';
import { tensorToArray } from '../../onnx/tensor.ts';
import { inferShapes, type Shape } from '../../onnx/shapes.ts';
import { resolveInitializer, layerName } from './layers.ts';
import { visitConcat, visitReshape, visitSlice, visitSplit, visitTranspose } from './channel-layout.ts';

/** The channel axis of an activation: one slot per channel (null when its width is unknown). */
export interface View { slots: Int32Array | null; rank: number; axis: number; flattened: boolean }

/** A tensor axis that loses the indices a view loses (weights, biases, BN vectors, constants). */
export interface Member {
  node: Node;
  /** Input slot of the sliced tensor, or -1 for the Conv `group` attribute (depthwise). */
  input: number;
  axis: number;
  view: View;
  /** Flatten before Gemm: columns per channel (H*W); 1 elsewhere. */
  spatial: number;
}

/** An int64 vector (input or ints attribute) whose entries become kept-channel counts. */
export interface CountEdit {
  node: Node;
  /** Input slot of the vector; -1 with `attribute` for an ints attribute. */
  input: number;
  attribute?: string;
  original: number[];
  /** Entry `index` becomes (kept slots of `view`) * `scale`. */
  entries: { index: number; view: View; scale: number }[];
}

/** Nodes that permute channels (a channel shuffle), replaced by a Gather of the kept ones. */
export interface PermuteEdit {
  /** The first node is replaced; the others are removed. */
  nodes: Node[];
  input: View;
  /** Output position -> input position. */
  map: Int32Array;
  axis: number;
}

export interface Space {
  id: number;
  size: number;
  /** Index of this space's first slot. */
  first: number;
  blocked: string[];
  /** Conv/Gemm/MatMul nodes whose output channels this space is (their weight axis `axis`, channel c is slot first + c). */
  sources: { node: Node; input: number; axis: number; first: number }[];
  /** BatchNormalization nodes and the channels their scale runs over. */
  norms: { node: Node; view: View }[];
}

export interface DependencyGraph {
  spaces: Space[];
  members: Member[];
  edits: CountEdit[];
  gathers: PermuteEdit[];
  /** Conv/Gemm/MatMul layers that cannot be pruned at all (e.g. weight fed as a graph input). */
  skippedLayers: { layer: string; reason: string }[];
  /** Group (space) root of a space. */
  root(space: number): number;
  /** Component root of a slot. */
  slotRoot(slot: number): number;
  /** Space a slot belongs to. */
  slotSpace(slot: number): number;
}

const UNARY = new Set(['Relu', 'LeakyRelu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Elu', 'Selu', 'Celu', 'Softplus', 'Softsign', 'Gelu', 'Mish', 'Erf', 'Abs', 'Neg', 'Exp', 'Log', 'Sqrt', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Identity', 'Dropout', 'Cast', 'Clip', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'LpPool', 'Sign', 'ThresholdedRelu', 'Shrink']);
const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Sum', 'Mean', 'Pow']);

export function buildDependencyGraph(model: Model): DependencyGraph {
  return new ChannelAnalysis(model).run();
}

/** Axes an op lists (attribute, or constant second input from opset 13/18 on), normalized by rank. */
function listedAxes(a: ChannelAnalysis, node: Node, rank: number): number[] | undefined {
  const fromInput = node.input[1] ? a.constTensor(node.input[1]) : undefined;
  const raw = fromInput ? a.constInts(node.input[1]) : node.attribute.some((x) => x.name === 'axes') ? attrInts(node, 'axes', []) : undefined;
  if (!raw || rank < 0) return undefined;
  return raw.map((ax) => (ax < 0 ? ax + rank : ax));
}

/**
 * Why a group that reaches a graph output is kept whole: the model's interface (a classifier's
 * classes, a detection head's outputs) is not the pass's to change, so no user expects it pruned.
 */
export const OUTPUT_REASON = 'reaches the graph output';

export class ChannelAnalysis {
  readonly index: GraphIndex;
  private readonly parent: number[] = [];
  private readonly slotParent: number[] = [];
  private readonly slotOwner: number[] = [];
  readonly spaces: Space[] = [];
  readonly members: Member[] = [];
  readonly edits: CountEdit[] = [];
  readonly gathers: PermuteEdit[] = [];
  readonly views = new Map<string, View>();
  readonly constants: Set<string>;
  readonly skippedLayers: DependencyGraph['skippedLayers'] = [];
  /** Nodes a pattern (channel shuffle) already handled on behalf of its first node. */
  readonly handled = new Set<Node>();
  private shapeCache?: Map<string, Shape>;

  constructor(readonly model: Model) {
    this.index = new GraphIndex(model.graph);
    this.constants = new Set<string>(['', ...this.index.initializers.keys()]);
  }

  run(): DependencyGraph {
    const g = this.model.graph;
    for (const v of g.input) {
      if (this.constants.has(v.name)) continue;
      const dims = valueInfoDims(v) ?? [];
      const size = typeof dims[1] === 'number' ? dims[1] : -1;
      this.views.set(v.name, this.fresh(size, dims.length, 1, `graph input '${v.name}'`));
    }
    for (const node of topologicalOrder(g)) if (!this.handled.has(node)) this.visit(node);
    for (const o of g.output) this.block(this.views.get(o.name), `${OUTPUT_REASON} '${o.name}'`);
    return {
      spaces: this.spaces, members: this.members, edits: this.edits, gathers: this.gathers, skippedLayers: this.skippedLayers,
      root: (s) => this.root(s), slotRoot: (s) => this.slotRoot(s), slotSpace: (s) => this.slotOwner[s],
    };
  }

  /** Static shape of a value (shape inference, run once on demand). */
  shapeOf(value: string): Shape | undefined {
    this.shapeCache ??= inferShapes(this.model).shapes;
    return this.shapeCache.get(value);
  }

  root(s: number): number {
    while (this.parent[s] !== s) s = this.parent[s] = this.parent[this.parent[s]];
    return s;
  }

  slotRoot(s: number): number {
    while (this.slotParent[s] !== s) s = this.slotParent[s] = this.slotParent[this.slotParent[s]];
    return s;
  }

  private newSpace(size: number, blocked?: string): Space {
    const id = this.spaces.length;
    this.parent.push(id);
    const first = this.slotParent.length;
    for (let i = 0; i < size; i++) { this.slotParent.push(first + i); this.slotOwner.push(id); }
    const space: Space = { id, size, first, blocked: blocked ? [blocked] : [], sources: [], norms: [] };
    this.spaces.push(space);
    return space;
  }

  private union(a: number, b: number): void {
    const ra = this.root(a);
    const rb = this.root(b);
    if (ra === rb) return;
    this.parent[rb] = ra;
    const A = this.spaces[ra];
    const B = this.spaces[rb];
    A.blocked.push(...B.blocked); A.sources.push(...B.sources); A.norms.push(...B.norms);
  }

  /** These two channels must be kept or removed together. */
  unionSlots(a: number, b: number): void {
    const ra = this.slotRoot(a);
    const rb = this.slotRoot(b);
    if (ra !== rb) this.slotParent[rb] = ra;
    this.union(this.slotOwner[a], this.slotOwner[b]);
  }

  block(v: View | undefined, reason: string): void {
    if (!v?.slots) return;
    const seen = new Set<number>();
    for (const s of v.slots) {
      const r = this.root(this.slotOwner[s]);
      if (seen.has(r)) continue;
      seen.add(r);
      if (!this.spaces[r].blocked.includes(reason)) this.spaces[r].blocked.push(reason);
    }
  }

  fresh(size: number, rank: number, axis: number, reason?: string): View {
    const s = this.newSpace(Math.max(size, 0), reason);
    const slots = size >= 0 ? Int32Array.from({ length: size }, (_, i) => s.first + i) : null;
    return { slots, rank, axis, flattened: false };
  }

  /** Every input's channels are blocked; outputs start blocked spaces of unknown width. */
  blockNode(node: Node, reason: string): void {
    for (const i of node.input) this.block(this.views.get(i), reason);
    // Keep the rank when it is known, so layers further on still find their feature axis.
    const first = this.views.get(node.input.find((i) => i && !this.constants.has(i)) ?? '');
    const keepsRank = UNARY.has(node.opType) || BINARY.has(node.opType) || node.opType === 'LayerNormalization' || node.opType === 'Softmax';
    node.output.forEach((o) => {
      if (!o) return;
      const rank = this.shapeOf(o)?.length ?? (keepsRank ? first?.rank ?? -1 : -1);
      this.views.set(o, this.fresh(-1, rank, 1, reason));
    });
  }

  /** Output 0 carries the input's channels; extra outputs (Dropout mask, BN stats) are blocked. */
  pass(node: Node, view: View): void {
    this.views.set(node.output[0], view);
    node.output.slice(1).forEach((o) => { if (o) this.views.set(o, this.fresh(-1, -1, 1, `extra output of ${what(node)}`)); });
  }

  constTensor(value: string): Tensor | undefined {
    const t = resolveInitializer(this.index, value);
    if (t) return t;
    const p = this.index.producer.get(value);
    return p?.opType === 'Constant' ? (p.attribute.find((a) => a.name === 'value')?.t as Tensor | undefined) : undefined;
  }

  constInts(value: string): number[] | undefined {
    const t = value ? this.constTensor(value) : undefined;
    return t ? Array.from(tensorToArray(t) as ArrayLike<number | bigint>, Number) : undefined;
  }

  /** A constant operand broadcast against `view`: fine if it has no channel extent, sliced if it has one. */
  private channelConstant(node: Node, slot: number, view: View): boolean {
    const t = this.constTensor(node.input[slot]);
    if (!t) return false;
    const dims = t.dims.map(Number);
    const count = dims.reduce((a, b) => a * b, 1);
    if (count === 1) return true;
    if (view.rank < 0 || dims.length > view.rank) return false;
    const axis = view.axis - (view.rank - dims.length);
    if (axis < 0) return dims.every((d) => d === 1);
    if (dims[axis] === 1) return true;
    if (dims[axis] !== total(view) || count !== dims[axis]) return false;
    this.members.push({ node, input: slot, axis, view, spatial: 1 });
    return true;
  }

  private visit(node: Node): void {
    const live = node.input.filter((i) => i && !this.constants.has(i));
    if (live.length === 0) { for (const o of node.output) this.constants.add(o); return; }
    const op = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : node.opType;
    if (op === 'Shape' || op === 'Size') {
      // Only the folded shape vectors are safe: a shape read at run time may encode a channel count.
      this.block(this.views.get(node.input[0]), `${what(node)} reads the channel count at run time`);
      for (const o of node.output) this.constants.add(o);
      return;
    }
    const x = this.views.get(live[0]);
    if (!x) return this.blockNode(node, `${what(node)} reads a value the analysis could not follow`);
    if (op === 'Conv' || op === 'Gemm' || op === 'MatMul') return this.visitLayer(node, x, live.length);
    if (op === 'BatchNormalization' || op === 'InstanceNormalization') return this.visitNorm(node, x);
    if (op === 'LayerNormalization') return this.visitLayerNorm(node, x);
    if (UNARY.has(op)) return this.pass(node, x);
    if (op === 'Softmax' || op === 'LogSoftmax') return this.visitSoftmax(node, x);
    if (op === 'PRelu') return this.channelConstant(node, 1, x) ? this.pass(node, x) : this.blockNode(node, `${what(node)} has a slope that does not follow channels`);
    if (BINARY.has(op)) return this.visitBinary(node, x);
    if (op === 'Concat') return visitConcat(this, node, x);
    if (op === 'Split') return visitSplit(this, node, x);
    if (op === 'Slice') return visitSlice(this, node, x);
    if (op === 'Transpose') return visitTranspose(this, node, x);
    if (op === 'Flatten' || op === 'Reshape') return visitReshape(this, node, x);
    if (op === 'Squeeze' || op === 'Unsqueeze' || op.startsWith('Reduce')) return this.visitAxes(node, x);
    if (op === 'Resize' || op === 'Upsample') return this.visitResize(node, x);
    if (op === 'Pad') return this.visitPad(node, x);
    this.blockNode(node, `${what(node)} (the analysis does not follow this operator)`);
  }

  private visitLayer(node: Node, x: View, liveInputs: number): void {
    const op = node.opType;
    const w = resolveInitializer(this.index, node.input[1]);
    if (!w || liveInputs !== 1) {
      const isInput = this.model.graph.input.some((v) => v.name === node.input[1]);
      const reason = isInput ? `its weight '${node.input[1]}' is a graph input, not an initializer` : `its weight '${node.input[1]}' is computed in the graph`;
      this.skippedLayers.push({ layer: layerName(node), reason });
      return this.blockNode(node, `${what(node)}: ${reason}`);
    }
    const dims = w.dims.map(Number);
    const group = op === 'Conv' ? attrInt(node, 'group', 1) : 1;
    if (group > 1) return this.visitGroupedConv(node, x, dims, group);
    if (op === 'Gemm' && attrInt(node, 'transA', 0)) return this.blockNode(node, `${what(node)} uses transA`);
    const inAxis = op === 'Conv' || (op === 'Gemm' && attrInt(node, 'transB', 0)) ? 1 : 0;
    const outAxis = op === 'Conv' ? 0 : 1 - inAxis;
    // An input of unknown width comes only from blocked spaces: nothing to cut on that side.
    if (x.slots) {
      const featureLast = x.rank >= 2 && x.axis === x.rank - 1;
      if (op === 'Conv' ? x.axis !== 1 : !featureLast || (op === 'Gemm' && x.rank !== 2)) return this.blockNode(node, `${what(node)} reads channels on axis ${x.axis} of a ${x.rank}-D tensor`);
      const spatial = dims[inAxis] / x.slots.length;
      if (!Number.isInteger(spatial) || (spatial !== 1 && !x.flattened)) return this.blockNode(node, `${what(node)}: its ${dims[inAxis]} inputs do not match ${x.slots.length} channels`);
      this.members.push({ node, input: 1, axis: inAxis, view: x, spatial });
    }
    const rank = op === 'Conv' ? dims.length : op === 'Gemm' ? 2 : x.slots || x.rank >= 2 ? x.rank : this.shapeOf(node.output[0])?.length ?? -1;
    if (rank < 2) return this.blockNode(node, `${what(node)} has an output of unknown rank`);
    this.produce(node, dims[outAxis], rank, op === 'Conv' ? 1 : rank - 1, outAxis);
  }

  /** A new space for a layer's outputs: weight axis, bias, and the view of output 0. */
  private produce(node: Node, size: number, rank: number, axis: number, outAxis: number, tie?: (out: View) => void): void {
    const out = this.fresh(size, rank, axis);
    const space = this.spaces[this.spaces.length - 1];
    space.sources.push({ node, input: 1, axis: outAxis, first: space.first });
    this.members.push({ node, input: 1, axis: outAxis, view: out, spatial: 1 });
    tie?.(out);
    const bias = node.input[2] ? this.constTensor(node.input[2]) : undefined;
    if (bias) {
      const bd = bias.dims.map(Number);
      const count = bd.reduce((a, b) => a * b, 1);
      if (count === size) this.members.push({ node, input: 2, axis: bd.length - 1, view: out, spatial: 1 });
      else if (count !== 1) this.block(out, `${what(node)} has a bias of shape [${bd.join(', ')}]`);
    } else if (node.input[2]) this.block(out, `${what(node)} has a computed bias`);
    this.views.set(node.output[0], out);
  }

  /**
   * Depthwise: channels pass through; weight axis 0, bias and the group count follow. Other
   * grouped convolutions keep their group count and lose the same channels in every group.
   */
  private visitGroupedConv(node: Node, x: View, dims: number[], group: number): void {
    const slots = x.slots;
    if (!slots || x.flattened || x.axis !== 1 || slots.length !== group * dims[1] || dims[0] % group !== 0) {
      return this.blockNode(node, `grouped convolution ${what(node)} (group ${group}) reads channels the analysis cannot match`);
    }
    if (dims[1] === 1 && dims[0] === group) {
      this.members.push({ node, input: 1, axis: 0, view: x, spatial: 1 }, { node, input: -1, axis: 0, view: x, spatial: 1 });
      if (node.input[2]) this.members.push({ node, input: 2, axis: 0, view: x, spatial: 1 });
      return this.pass(node, x);
    }
    const perIn = dims[1];
    const perOut = dims[0] / group;
    for (let g = 1; g < group; g++) for (let c = 0; c < perIn; c++) this.unionSlots(slots[c], slots[g * perIn + c]);
    this.members.push({ node, input: 1, axis: 1, view: { ...x, slots: slots.subarray(0, perIn) }, spatial: 1 });
    this.produce(node, dims[0], x.rank, 1, 0, (out) => {
      for (let g = 1; g < group; g++) for (let c = 0; c < perOut; c++) this.unionSlots(out.slots![c], out.slots![g * perOut + c]);
    });
  }

  private visitNorm(node: Node, x: View): void {
    const slots = node.opType === 'BatchNormalization' ? [1, 2, 3, 4] : [1, 2];
    if (x.axis !== 1 || !slots.every((s) => this.constTensor(node.input[s]))) return this.blockNode(node, `${what(node)} has computed parameters`);
    for (const s of slots) this.members.push({ node, input: s, axis: 0, view: x, spatial: 1 });
    if (node.opType === 'BatchNormalization' && x.slots?.length) this.spaces[this.root(this.slotOwner[x.slots[0]])].norms.push({ node, view: x });
    this.pass(node, x);
  }

  /**
   * LayerNormalization over the channel axis: scale and bias follow the channels. Removing
   * channels changes the mean and variance it normalizes with (as in Torch-Pruning): keep-all
   * is exact, a pruned model is an approximation to fine-tune.
   */
  private visitLayerNorm(node: Node, x: View): void {
    const axis = attrInt(node, 'axis', -1);
    const from = axis < 0 ? axis + x.rank : axis;
    if (x.rank < 0 || x.flattened) return this.blockNode(node, `${what(node)} normalizes a tensor the analysis cannot follow`);
    if (x.axis < from) return this.pass(node, x);
    const params = [1, 2].filter((s) => node.input[s]);
    if (from !== x.rank - 1 || x.axis !== from || !params.every((s) => this.constTensor(node.input[s]))) {
      return this.blockNode(node, `${what(node)} normalizes over several axes including the channels`);
    }
    for (const s of params) this.members.push({ node, input: s, axis: 0, view: x, spatial: 1 });
    this.pass(node, x);
  }

  private visitSoftmax(node: Node, x: View): void {
    const opset = this.model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
    const axis = attrInt(node, 'axis', Number(opset?.version ?? 13) >= 13 ? -1 : 1);
    if ((axis < 0 ? axis + x.rank : axis) === x.axis) return this.blockNode(node, `${what(node)} normalizes over the channel axis`);
    this.pass(node, x);
  }

  /** Residual Add/Mul and friends: every activation operand shares the same channels. */
  private visitBinary(node: Node, first: View): void {
    const acts = node.input.filter((i) => i && !this.constants.has(i)).map((i) => this.views.get(i));
    const same = acts.every((v) => v?.slots && first.slots && v.rank === first.rank && v.axis === first.axis && v.flattened === first.flattened && v.slots.length === first.slots.length);
    const constsOk = node.input.every((i, slot) => !i || !this.constants.has(i) || this.channelConstant(node, slot, first));
    if (!same || !constsOk) return this.blockNode(node, `${what(node)} combines tensors whose channels the analysis cannot match`);
    for (const v of acts) v!.slots!.forEach((s, i) => this.unionSlots(first.slots![i], s));
    this.pass(node, first);
  }

  /** Squeeze/Unsqueeze/Reduce* on other axes move the channel axis but keep its channels. */
  private visitAxes(node: Node, x: View): void {
    const op = node.opType;
    const outRank = op === 'Unsqueeze' ? x.rank + (listedAxes(this, node, x.rank + 1)?.length ?? 0) : x.rank;
    const axes = listedAxes(this, node, op === 'Unsqueeze' ? outRank : x.rank);
    const keepdims = op.startsWith('Reduce') ? attrInt(node, 'keepdims', 1) === 1 : false;
    if (!axes || axes.length === 0 || x.flattened || axes.includes(x.axis) || axes.includes(0)) return this.blockNode(node, `${what(node)} on the batch or channel axis`);
    let axis = x.axis;
    if (op === 'Unsqueeze') for (const a of [...axes].sort((p, q) => p - q)) { if (a <= axis) axis++; }
    else if (!keepdims) axis -= axes.filter((a) => a < x.axis).length;
    const rank = op === 'Unsqueeze' ? outRank : keepdims ? x.rank : x.rank - axes.length;
    this.pass(node, { slots: x.slots, rank, axis, flattened: false });
  }

  /** Resize/Upsample scale space, channel by channel, when the channel scale is 1 (any mode). */
  private visitResize(node: Node, x: View): void {
    const scales = node.opType === 'Upsample'
      ? (node.input[1] ? this.constFloats(node.input[1]) : node.attribute.find((a) => a.name === 'scales')?.floats)
      : node.input[2] ? this.constFloats(node.input[2]) : undefined;
    const sizes = node.opType === 'Resize' && node.input[3] ? this.constInts(node.input[3]) : undefined;
    const channelKept = scales?.length ? Number(scales[x.axis]) === 1 : sizes !== undefined && sizes[x.axis] === x.slots?.length;
    if (!channelKept || x.flattened || (node.input[3] && !sizes)) return this.blockNode(node, `${what(node)} scales the channel axis or has computed scales`);
    if (sizes) this.edits.push({ node, input: 3, original: sizes, entries: [{ index: x.axis, view: x, scale: 1 }] });
    this.pass(node, x);
  }

  private constFloats(value: string): number[] | undefined {
    const t = this.constTensor(value);
    return t ? Array.from(tensorToArray(t) as ArrayLike<number>, Number) : undefined;
  }

  private visitPad(node: Node, x: View): void {
    const pads = node.input[1] ? this.constInts(node.input[1]) : attrInts(node, 'pads', []);
    if (node.input[3] || !pads || x.rank < 2 || pads.length !== 2 * x.rank || pads[x.axis] !== 0 || pads[x.axis + x.rank] !== 0) return this.blockNode(node, `${what(node)} pads the channel axis or is not constant`);
    this.pass(node, x);
  }
}

export function total(v: View): number {
  return v.slots ? v.slots.length : NaN;
}

export function what(n: Node): string {
  return `${n.opType} '${layerName(n)}'`;
}
