// Channel dependency analysis over an ONNX graph, in the spirit of DepGraph (Torch-Pruning):
// every activation gets a "view" of its channel axis as segments of channel spaces; ops that
// tie channels together (residual Add/Mul, BN, activations, depthwise Conv) merge spaces, Concat
// lays segments side by side, Flatten spreads a channel over H*W columns. A space is one
// prunable group unless something the analysis cannot follow touches it.
import type { Model, Node, Tensor } from '../../onnx/model.ts';
import { attrInt, attrInts, GraphIndex, topologicalOrder, valueInfoDims } from '../../onnx/graph.ts';
import { tensorToArray } from '../../onnx/tensor.ts';
import { resolveInitializer, layerName } from './layers.ts';

export interface Segment { space: number; length: number }

/** The channel axis of an activation: segments in order; flattened views spread each channel. */
export interface View { segments: Segment[]; rank: number; flattened: boolean }

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

export interface Space {
  id: number;
  size: number;
  blocked: string[];
  /** Conv/Gemm/MatMul nodes whose output channels this space is (their weight axis `axis`). */
  sources: { node: Node; input: number; axis: number }[];
  /** BatchNormalization nodes whose scale follows this space. */
  norms: Node[];
}

export interface DependencyGraph {
  spaces: Space[];
  members: Member[];
  /** Conv/Gemm/MatMul layers that cannot be pruned at all (e.g. weight fed as a graph input). */
  skippedLayers: { layer: string; reason: string }[];
  root(space: number): number;
}

const UNARY = new Set(['Relu', 'LeakyRelu', 'Sigmoid', 'HardSigmoid', 'HardSwish', 'Tanh', 'Elu', 'Selu', 'Celu', 'Softplus', 'Softsign', 'Gelu', 'Mish', 'Erf', 'Abs', 'Neg', 'Exp', 'Log', 'Sqrt', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Identity', 'Dropout', 'Cast', 'Clip', 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'LpPool', 'Sign', 'ThresholdedRelu', 'Shrink']);
const BINARY = new Set(['Add', 'Sub', 'Mul', 'Div', 'Max', 'Min', 'Sum', 'Mean']);

export function buildDependencyGraph(model: Model): DependencyGraph {
  const analysis = new ChannelAnalysis(model);
  return analysis.run();
}

/** Axes an op lists (attribute, or constant second input from opset 13/18 on), normalized by rank. */
function listedAxes(a: ChannelAnalysis, node: Node, rank: number): number[] | undefined {
  const fromInput = node.input[1] ? a.constTensor(node.input[1]) : undefined;
  const raw = fromInput ? Array.from(tensorToArray(fromInput) as BigInt64Array, Number) : node.attribute.some((x) => x.name === 'axes') ? attrInts(node, 'axes', []) : undefined;
  if (!raw || rank < 0) return undefined;
  return raw.map((ax) => (ax < 0 ? ax + rank : ax));
}

class ChannelAnalysis {
  private readonly index: GraphIndex;
  private readonly parent: number[] = [];
  readonly spaces: Space[] = [];
  readonly members: Member[] = [];
  readonly views = new Map<string, View>();
  readonly constants: Set<string>;
  readonly skippedLayers: DependencyGraph['skippedLayers'] = [];

  constructor(private readonly model: Model) {
    this.index = new GraphIndex(model.graph);
    this.constants = new Set<string>(['', ...this.index.initializers.keys()]);
  }

  run(): DependencyGraph {
    const g = this.model.graph;
    for (const v of g.input) {
      if (this.constants.has(v.name)) continue;
      const dims = valueInfoDims(v) ?? [];
      const size = typeof dims[1] === 'number' ? dims[1] : -1;
      this.views.set(v.name, this.fresh(size, dims.length, `graph input '${v.name}'`));
    }
    for (const node of topologicalOrder(g)) this.visit(node);
    for (const o of g.output) this.block(this.views.get(o.name), `reaches the graph output '${o.name}'`);
    return { spaces: this.spaces, members: this.members, root: (s) => this.root(s), skippedLayers: this.skippedLayers };
  }

  root(s: number): number {
    while (this.parent[s] !== s) s = this.parent[s] = this.parent[this.parent[s]];
    return s;
  }

  private newSpace(size: number, blocked?: string): number {
    const id = this.spaces.length;
    this.parent.push(id);
    this.spaces.push({ id, size, blocked: blocked ? [blocked] : [], sources: [], norms: [] });
    return id;
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

  private block(v: View | undefined, reason: string): void {
    for (const s of v?.segments ?? []) {
      const r = this.spaces[this.root(s.space)];
      if (!r.blocked.includes(reason)) r.blocked.push(reason);
    }
  }

  private fresh(size: number, rank: number, reason?: string): View {
    return { segments: [{ space: this.newSpace(size, reason), length: size }], rank, flattened: false };
  }

  /** Every input's channels are blocked; outputs start blocked spaces of unknown width. */
  private blockNode(node: Node, reason: string): void {
    for (const i of node.input) this.block(this.views.get(i), reason);
    node.output.forEach((o) => { if (o) this.views.set(o, this.fresh(-1, -1, reason)); });
  }

  /** Output 0 carries the input's channels; extra outputs (Dropout mask, BN stats) are blocked. */
  private pass(node: Node, view: View): void {
    this.views.set(node.output[0], view);
    node.output.slice(1).forEach((o) => { if (o) this.views.set(o, this.fresh(-1, -1, `extra output of ${what(node)}`)); });
  }

  constTensor(value: string): Tensor | undefined {
    const t = resolveInitializer(this.index, value);
    if (t) return t;
    const p = this.index.producer.get(value);
    return p?.opType === 'Constant' ? (p.attribute.find((a) => a.name === 'value')?.t as Tensor | undefined) : undefined;
  }

  /** A constant operand broadcast against `view`: fine if it has no channel extent, sliced if it has one. */
  private channelConstant(node: Node, slot: number, view: View): boolean {
    const t = this.constTensor(node.input[slot]);
    if (!t) return false;
    const dims = t.dims.map(Number);
    const count = dims.reduce((a, b) => a * b, 1);
    if (count === 1) return true;
    if (view.rank < 0 || dims.length > view.rank) return false;
    const axis = 1 - (view.rank - dims.length);
    if (axis < 0) return dims.every((d) => d === 1);
    if (dims[axis] === 1) return true;
    if (dims[axis] !== total(view) || count !== dims[axis]) return false;
    this.members.push({ node, input: slot, axis, view, spatial: 1 });
    return true;
  }

  private visit(node: Node): void {
    const live = node.input.filter((i) => i && !this.constants.has(i));
    if (live.length === 0) { for (const o of node.output) this.constants.add(o); return; }
    const x = this.views.get(live[0]);
    if (!x) return this.blockNode(node, `${what(node)} reads a value the analysis could not follow`);
    const op = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : node.opType;
    if (op === 'Conv' || op === 'Gemm' || op === 'MatMul') return this.visitLayer(node, x, live.length);
    if (op === 'BatchNormalization' || op === 'InstanceNormalization') return this.visitNorm(node, x);
    if (UNARY.has(op)) return this.pass(node, x);
    if (op === 'PRelu') return this.channelConstant(node, 1, x) ? this.pass(node, x) : this.blockNode(node, `${what(node)} has a slope that does not follow channels`);
    if (BINARY.has(op)) return this.visitBinary(node, x);
    if (op === 'Concat') return this.visitConcat(node, x);
    if (op === 'Flatten' || op === 'Reshape') return this.visitFlatten(node, x);
    if (op === 'Squeeze' || op === 'Unsqueeze' || op.startsWith('Reduce')) return this.visitAxes(node, x);
    if ((op === 'Resize' || op === 'Upsample') && !node.input[3]) return this.pass(node, x);
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
    const inLen = total(x);
    if (group > 1) {
      if (group !== inLen || dims[0] !== group || dims[1] !== 1 || x.flattened) return this.blockNode(node, `grouped convolution ${what(node)} (group ${group})`);
      // Depthwise: channels pass through; weight axis 0, bias and the group count follow.
      this.members.push({ node, input: 1, axis: 0, view: x, spatial: 1 }, { node, input: -1, axis: 0, view: x, spatial: 1 });
      if (node.input[2]) this.members.push({ node, input: 2, axis: 0, view: x, spatial: 1 });
      return this.pass(node, x);
    }
    if (op === 'Gemm' && attrInt(node, 'transA', 0)) return this.blockNode(node, `${what(node)} uses transA`);
    const inAxis = op === 'Conv' || (op === 'Gemm' && attrInt(node, 'transB', 0)) ? 1 : 0;
    const outAxis = op === 'Conv' ? 0 : 1 - inAxis;
    if (op !== 'Conv' && x.rank !== 2) return this.blockNode(node, `${what(node)} reads a ${x.rank}-D tensor`);
    // An input of unknown width comes only from blocked spaces: nothing to cut on that side.
    if (!Number.isNaN(inLen)) {
      const spatial = dims[inAxis] / inLen;
      if (!Number.isInteger(spatial) || (spatial !== 1 && !x.flattened)) return this.blockNode(node, `${what(node)}: its ${dims[inAxis]} inputs do not match ${inLen} channels`);
      this.members.push({ node, input: 1, axis: inAxis, view: x, spatial });
    }
    const out = this.fresh(dims[outAxis], op === 'Conv' ? dims.length : 2);
    this.spaces[out.segments[0].space].sources.push({ node, input: 1, axis: outAxis });
    this.members.push({ node, input: 1, axis: outAxis, view: out, spatial: 1 });
    const bias = node.input[2] ? this.constTensor(node.input[2]) : undefined;
    if (bias) {
      const bd = bias.dims.map(Number);
      const count = bd.reduce((a, b) => a * b, 1);
      if (count === dims[outAxis]) this.members.push({ node, input: 2, axis: bd.length - 1, view: out, spatial: 1 });
      else if (count !== 1) this.block(out, `${what(node)} has a bias of shape [${bd.join(', ')}]`);
    } else if (node.input[2]) this.block(out, `${what(node)} has a computed bias`);
    this.views.set(node.output[0], out);
  }

  private visitNorm(node: Node, x: View): void {
    const slots = node.opType === 'BatchNormalization' ? [1, 2, 3, 4] : [1, 2];
    if (!slots.every((s) => this.constTensor(node.input[s]))) return this.blockNode(node, `${what(node)} has computed parameters`);
    for (const s of slots) this.members.push({ node, input: s, axis: 0, view: x, spatial: 1 });
    if (node.opType === 'BatchNormalization' && x.segments.length === 1) this.spaces[this.root(x.segments[0].space)].norms.push(node);
    this.pass(node, x);
  }

  /** Residual Add/Mul and friends: every activation operand shares the same channels. */
  private visitBinary(node: Node, first: View): void {
    const acts = node.input.filter((i) => i && !this.constants.has(i)).map((i) => this.views.get(i));
    const same = acts.every((v) => v && v.rank === first.rank && v.flattened === first.flattened && v.segments.length === first.segments.length
      && v.segments.every((s, i) => s.length === first.segments[i].length && s.length >= 0));
    const constsOk = node.input.every((i, slot) => !i || !this.constants.has(i) || this.channelConstant(node, slot, first));
    if (!same || !constsOk) return this.blockNode(node, `${what(node)} combines tensors whose channels the analysis cannot match`);
    for (const v of acts) v!.segments.forEach((s, i) => this.union(first.segments[i].space, s.space));
    this.pass(node, first);
  }

  /** Concat on channels lays the inputs' segments side by side (index offsets per input). */
  private visitConcat(node: Node, x: View): void {
    const ins = node.input.map((i) => this.views.get(i));
    const axis = attrInt(node, 'axis', 1);
    const ok = ins.every((v) => v && v.rank === x.rank && !v.flattened && v.segments.every((s) => s.length >= 0)) && node.input.every((i) => !this.constants.has(i));
    if (!ok || x.rank < 2 || (axis !== 1 && axis !== 1 - x.rank)) return this.blockNode(node, `${what(node)} joins along an axis or inputs the analysis cannot follow`);
    this.views.set(node.output[0], { segments: ins.flatMap((v) => v!.segments), rank: x.rank, flattened: false });
  }

  /** Flatten (axis 1), or a Reshape to a constant [0|1, -1]: each channel spans H*W columns. */
  private visitFlatten(node: Node, x: View): void {
    const shape = node.opType === 'Reshape' ? this.constTensor(node.input[1]) : undefined;
    const dims = shape ? Array.from(tensorToArray(shape) as BigInt64Array, Number) : undefined;
    const flattenLike = node.opType === 'Flatten' ? attrInt(node, 'axis', 1) === 1 : dims !== undefined && dims.length === 2 && (dims[0] === 0 || dims[0] === 1) && dims[1] === -1;
    if (!flattenLike || x.rank < 2) {
      return this.blockNode(node, node.opType === 'Reshape' ? `${what(node)} with a computed or channel-changing shape` : `${what(node)} on axis ${attrInt(node, 'axis', 1)}`);
    }
    this.views.set(node.output[0], { segments: x.segments, rank: 2, flattened: x.rank > 2 || x.flattened });
  }

  /** Squeeze/Unsqueeze/Reduce* on spatial axes only keep channels on axis 1. */
  private visitAxes(node: Node, x: View): void {
    const op = node.opType;
    const outRank = op === 'Unsqueeze' ? x.rank + (listedAxes(this, node, x.rank + 1)?.length ?? 0) : x.rank;
    const axes = listedAxes(this, node, op === 'Unsqueeze' ? outRank : x.rank);
    const keepdims = op.startsWith('Reduce') ? attrInt(node, 'keepdims', 1) === 1 : false;
    if (!axes || axes.length === 0 || axes.some((a) => a < 2) || x.flattened) return this.blockNode(node, `${what(node)} on the batch or channel axis`);
    const rank = op === 'Unsqueeze' ? outRank : keepdims ? x.rank : x.rank - axes.length;
    this.pass(node, { segments: x.segments, rank, flattened: false });
  }

  private visitPad(node: Node, x: View): void {
    const t = node.input[1] ? this.constTensor(node.input[1]) : undefined;
    const pads = t ? Array.from(tensorToArray(t) as BigInt64Array, Number) : attrInts(node, 'pads', []);
    const axes = node.input[3] ? undefined : true;
    if (!axes || x.rank < 2 || pads.length !== 2 * x.rank || pads[1] !== 0 || pads[1 + x.rank] !== 0) return this.blockNode(node, `${what(node)} pads the channel axis or is not constant`);
    this.pass(node, x);
  }
}

function total(v: View): number {
  return v.segments.reduce((a, s) => a + (s.length < 0 ? NaN : s.length), 0);
}

function what(n: Node): string {
  return `${n.opType} '${layerName(n)}'`;
}
