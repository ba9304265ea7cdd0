// Channel dependency analysis over an ONNX graph, in the spirit of DepGraph (Torch-Pruning):
// every activation gets a "view" of its channel axis as segments of channel spaces; ops that
// tie channels together (residual Add/Mul, BN, activations, depthwise Conv) merge spaces, Concat
// lays segments side by side, Flatten spreads a channel over H*W columns. A space is one
// prunable group unless something the analysis cannot follow touches it.
import type { Model, Node, Tensor } from '../../onnx/model.ts';
import { attrInt, GraphIndex, topologicalOrder, valueInfoDims } from '../../onnx/graph.ts';
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
  const g = model.graph;
  const index = new GraphIndex(g);
  const parent: number[] = [];
  const spaces: Space[] = [];
  const members: Member[] = [];
  const views = new Map<string, View>();
  const constants = new Set<string>(['', ...index.initializers.keys()]);
  const skippedLayers: DependencyGraph['skippedLayers'] = [];

  const root = (s: number): number => { while (parent[s] !== s) s = parent[s] = parent[parent[s]]; return s; };
  const newSpace = (size: number, blocked?: string): number => {
    const id = spaces.length;
    parent.push(id);
    spaces.push({ id, size, blocked: blocked ? [blocked] : [], sources: [], norms: [] });
    return id;
  };
  const union = (a: number, b: number): void => {
    const ra = root(a); const rb = root(b);
    if (ra === rb) return;
    parent[rb] = ra;
    const A = spaces[ra]; const B = spaces[rb];
    A.blocked.push(...B.blocked); A.sources.push(...B.sources); A.norms.push(...B.norms);
  };
  const block = (v: View | undefined, reason: string): void => {
    for (const s of v?.segments ?? []) { const r = spaces[root(s.space)]; if (!r.blocked.includes(reason)) r.blocked.push(reason); }
  };
  const total = (v: View): number => v.segments.reduce((a, s) => a + (s.length < 0 ? NaN : s.length), 0);
  const fresh = (size: number, rank: number, reason?: string): View => ({ segments: [{ space: newSpace(size, reason), length: size }], rank, flattened: false });
  const constTensor = (value: string): Tensor | undefined => {
    const t = resolveInitializer(index, value);
    if (t) return t;
    const p = index.producer.get(value);
    return p?.opType === 'Constant' ? (p.attribute.find((a) => a.name === 'value')?.t as Tensor | undefined) : undefined;
  };
  const what = (n: Node): string => `${n.opType} '${layerName(n)}'`;

  for (const v of g.input) {
    if (constants.has(v.name)) continue;
    const dims = valueInfoDims(v) ?? [];
    const size = typeof dims[1] === 'number' ? dims[1] : -1;
    views.set(v.name, fresh(size, dims.length, `graph input '${v.name}'`));
  }

  const blockNode = (node: Node, reason: string): void => {
    for (const i of node.input) block(views.get(i), reason);
    node.output.forEach((o) => { if (o) views.set(o, fresh(-1, -1, reason)); });
  };

  /** Slice a per-channel constant operand along the view (or block when it does not fit). */
  const channelConstant = (node: Node, slot: number, view: View): boolean => {
    const t = constTensor(node.input[slot]);
    if (!t) return false;
    const dims = t.dims.map(Number);
    const count = dims.reduce((a, b) => a * b, 1);
    if (count === 1) return true;
    if (view.rank < 0 || dims.length > view.rank) return false;
    const axis = 1 - (view.rank - dims.length);
    if (axis < 0) return dims.every((d) => d === 1);
    if (dims[axis] === 1) return true;
    if (dims[axis] !== total(view) || count !== dims[axis]) return false;
    members.push({ node, input: slot, axis, view, spatial: 1 });
    return true;
  };

  for (const node of topologicalOrder(g)) {
    const live = node.input.filter((i) => i && !constants.has(i));
    if (live.length === 0) { for (const o of node.output) constants.add(o); continue; }
    const x = views.get(live[0]);
    const op = node.domain && node.domain !== 'ai.onnx' ? `${node.domain}.${node.opType}` : node.opType;
    if (!x) { blockNode(node, `${what(node)} reads a value the analysis could not follow`); continue; }

    if (op === 'Conv' || op === 'Gemm' || op === 'MatMul') {
      const w = resolveInitializer(index, node.input[1]);
      const dims = w?.dims.map(Number) ?? [];
      const group = op === 'Conv' ? attrInt(node, 'group', 1) : 1;
      const inLen = total(x);
      if (!w || live.length !== 1) {
        const isInput = g.input.some((v) => v.name === node.input[1]);
        const reason = isInput ? `its weight '${node.input[1]}' is a graph input, not an initializer` : `its weight '${node.input[1]}' is computed in the graph`;
        skippedLayers.push({ layer: layerName(node), reason });
        blockNode(node, `${what(node)}: ${reason}`);
        continue;
      }
      if (op === 'Conv' && group > 1) {
        if (group === inLen && dims[0] === group && dims[1] === 1 && !x.flattened) {
          // Depthwise: channels pass through; weight axis 0, bias and the group count follow.
          members.push({ node, input: 1, axis: 0, view: x, spatial: 1 }, { node, input: -1, axis: 0, view: x, spatial: 1 });
          if (node.input[2]) members.push({ node, input: 2, axis: 0, view: x, spatial: 1 });
          views.set(node.output[0], x);
        } else blockNode(node, `grouped convolution ${what(node)} (group ${group})`);
        continue;
      }
      if (op === 'Gemm' && attrInt(node, 'transA', 0)) { blockNode(node, `${what(node)} uses transA`); continue; }
      const inAxis = op === 'Conv' || (op === 'Gemm' && attrInt(node, 'transB', 0)) ? 1 : 0;
      const outAxis = op === 'Conv' ? 0 : 1 - inAxis;
      if (op !== 'Conv' && x.rank !== 2) { blockNode(node, `${what(node)} reads a ${x.rank}-D tensor`); continue; }
      // An input of unknown width comes only from blocked spaces: nothing to cut on that side.
      if (!Number.isNaN(inLen)) {
        const spatial = dims[inAxis] / inLen;
        if (!Number.isInteger(spatial) || (spatial !== 1 && !x.flattened)) { blockNode(node, `${what(node)}: its ${dims[inAxis]} inputs do not match ${inLen} channels`); continue; }
        members.push({ node, input: 1, axis: inAxis, view: x, spatial });
      }
      const out = fresh(dims[outAxis], op === 'Conv' ? dims.length : 2);
      spaces[out.segments[0].space].sources.push({ node, input: 1, axis: outAxis });
      members.push({ node, input: 1, axis: outAxis, view: out, spatial: 1 });
      const bias = node.input[2] ? constTensor(node.input[2]) : undefined;
      if (bias) {
        const bd = bias.dims.map(Number);
        const bCount = bd.reduce((a, b) => a * b, 1);
        if (bCount === dims[outAxis]) members.push({ node, input: 2, axis: bd.length - 1, view: out, spatial: 1 });
        else if (bCount !== 1) block(out, `${what(node)} has a bias of shape [${bd.join(', ')}]`);
      } else if (node.input[2]) block(out, `${what(node)} has a computed bias`);
      views.set(node.output[0], out);
      continue;
    }
    if (op === 'BatchNormalization' || op === 'InstanceNormalization') {
      const slots = op === 'BatchNormalization' ? [1, 2, 3, 4] : [1, 2];
      if (slots.every((s) => constTensor(node.input[s]))) {
        for (const s of slots) members.push({ node, input: s, axis: 0, view: x, spatial: 1 });
        if (op === 'BatchNormalization' && x.segments.length === 1) spaces[root(x.segments[0].space)].norms.push(node);
        views.set(node.output[0], x);
        node.output.slice(1).forEach((o) => { if (o) views.set(o, fresh(-1, -1, `training outputs of ${what(node)}`)); });
      } else blockNode(node, `${what(node)} has computed parameters`);
      continue;
    }
    if (UNARY.has(op) || op === 'PRelu') {
      if (op === 'PRelu' && !channelConstant(node, 1, x)) { blockNode(node, `${what(node)} has a slope that does not follow channels`); continue; }
      views.set(node.output[0], x);
      node.output.slice(1).forEach((o) => { if (o) views.set(o, fresh(-1, -1, `second output of ${what(node)}`)); });
      continue;
    }
    if (BINARY.has(op)) {
      const acts = node.input.filter((i) => i && !constants.has(i)).map((i) => views.get(i));
      const first = acts[0]!;
      const same = acts.every((v) => v && v.rank === first.rank && v.flattened === first.flattened && v.segments.length === first.segments.length
        && v.segments.every((s, i) => s.length === first.segments[i].length && s.length >= 0));
      const constsOk = node.input.every((i, slot) => !i || !constants.has(i) || channelConstant(node, slot, first));
      if (!same || !constsOk) { blockNode(node, `${what(node)} combines tensors whose channels the analysis cannot match`); continue; }
      for (const v of acts) v!.segments.forEach((s, i) => union(first.segments[i].space, s.space));
      views.set(node.output[0], first);
      continue;
    }
    if (op === 'Concat') {
      const ins = node.input.map((i) => views.get(i));
      const rank = x.rank;
      const axis = attrInt(node, 'axis', 1);
      const ok = ins.every((v) => v && v.rank === rank && !v.flattened && v.segments.every((s) => s.length >= 0)) && node.input.every((i) => !constants.has(i));
      if (ok && (axis === 1 || axis === 1 - rank)) {
        views.set(node.output[0], { segments: ins.flatMap((v) => v!.segments), rank, flattened: false });
      } else blockNode(node, `${what(node)} joins along an axis or inputs the analysis cannot follow`);
      continue;
    }
    if (op === 'Flatten' || op === 'Reshape') {
      const shape = op === 'Reshape' ? constTensor(node.input[1]) : undefined;
      const dims = shape ? Array.from(tensorToArray(shape) as BigInt64Array, Number) : undefined;
      const flattenLike = op === 'Flatten' ? attrInt(node, 'axis', 1) === 1 : dims !== undefined && dims.length === 2 && (dims[0] === 0 || dims[0] === 1) && dims[1] === -1;
      if (flattenLike && x.rank >= 2) views.set(node.output[0], { segments: x.segments, rank: 2, flattened: x.rank > 2 || x.flattened });
      else blockNode(node, op === 'Reshape' ? `${what(node)} with a computed or channel-changing shape` : `${what(node)} on axis ${attrInt(node, 'axis', 1)}`);
      continue;
    }
    blockNode(node, `${what(node)} (the analysis does not follow this operator)`);
  }
  for (const o of g.output) block(views.get(o.name), `reaches the graph output '${o.name}'`);
  return { spaces, members, root, skippedLayers };
}
