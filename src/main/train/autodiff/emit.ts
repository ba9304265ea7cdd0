// The node writer gradient rules use: fresh names, constants, static shapes of forward
// values (probed once through ONNX Runtime), and the few composite helpers every rule shares.
import { makeNode, type AttrValue } from '../../onnx/graph.ts';
import { makeTensor } from '../../onnx/tensor.ts';
import type { Node, Tensor } from '../../onnx/model.ts';
import { WhittleError } from '../../../shared/errors.ts';

/** Opset of every training graph: ScatterElements/ScatterND reduction needs 16, Split/Reduce axes as inputs 13. */
export const TRAIN_OPSET = 17;

export class Emitter {
  readonly nodes: Node[] = [];
  readonly initializers: Tensor[] = [];
  /** MLAS channel block of the NCHWc rewrite that follows (train/nchwc.ts); 0 when it is off. */
  nchwcBlock = 0;
  /**
   * Conv kernels computed from an NCHW activation whose channels fill whole NCHWc blocks, by
   * kernel name: that activation's ReorderInput already is the kernel in MLAS's blocked order.
   */
  readonly blockedKernelSources = new Map<string, string>();
  private counter = 0;
  private readonly constCache = new Map<string, string>();

  /**
   * @param shapes static dims of every forward value (batch size fixed)
   * @param values small int64 values known before running (shape tensors, axes, pads)
   */
  constructor(
    readonly shapes: Map<string, number[]>,
    readonly values: Map<string, number[]>,
    private readonly prefix = 'grad',
    readonly opset = TRAIN_OPSET,
  ) {}

  fresh(base: string): string {
    return `${this.prefix}/${base}_${this.counter++}`;
  }

  /** Append one node; returns its outputs. Output shapes may be given so later rules can ask. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue | undefined> = {}, outputCount = 1): string[] {
    const outputs = Array.from({ length: outputCount }, () => this.fresh(opType));
    this.nodes.push(makeNode(opType, inputs, outputs, { name: outputs[0], attrs }));
    return outputs;
  }

  op1(opType: string, inputs: string[], attrs: Record<string, AttrValue | undefined> = {}): string {
    return this.op(opType, inputs, attrs, 1)[0];
  }

  shape(name: string): number[] {
    const s = this.shapes.get(name);
    if (!s) throw new WhittleError('train.unknown-shape', `The shape of value '${name}' is not known.`, 'This is a bug in the training graph builder.');
    return s;
  }

  /** A value known to be a small constant tensor (initializer, Constant node or probed). */
  intValue(name: string, what: string): number[] {
    const v = this.values.get(name);
    if (!v) throw new WhittleError('train.dynamic-value', `The ${what} '${name}' is computed at run time; training needs it constant.`, 'Export the model with constant shapes (e.g. onnx-simplifier).');
    return v;
  }

  constF(values: ArrayLike<number>, dims: number[]): string {
    return this.cached('f', values, dims, () => makeTensor('', dims, Float32Array.from(values)));
  }

  constI64(values: ArrayLike<number>, dims: number[] = [values.length]): string {
    return this.cached('i', values, dims, () => makeTensor('', dims, BigInt64Array.from(Array.from(values), (v) => BigInt(v))));
  }

  scalar(value: number): string {
    return this.constF([value], []);
  }

  /**
   * A scalar shaped [1, ..., 1] to the rank of the value it meets. (ORT 1.30's elementwise ops
   * against a rank-0 or [1] scalar ran 10-20x slower on values whose trailing dims are 1: Less on
   * [64, 1280, 1, 1] took 2.2 ms against 0.16 ms, a tenth of a MobileNetV2 x0.5 step in ReLU6 gradients.)
   */
  scalarOfRank(value: number, rank: number): string {
    return this.constF([value], Array(rank).fill(1));
  }

  /** A scalar value (rank 0 or [1]) reshaped to [1, ..., 1] of `rank`, for the reason above. */
  scalarValueOfRank(name: string, rank: number): string {
    return this.reshape(name, Array(rank).fill(1));
  }

  private cached(kind: string, values: ArrayLike<number>, dims: number[], build: () => Tensor): string {
    const small = values.length <= 16;
    const key = small ? `${kind}:${dims.join('x')}:${Array.from(values).join(',')}` : '';
    if (small && this.constCache.has(key)) return this.constCache.get(key)!;
    const t = build();
    t.name = this.fresh(`const_${kind}`);
    this.initializers.push(t);
    if (small) this.constCache.set(key, t.name);
    return t.name;
  }

  reshape(x: string, dims: number[]): string {
    return this.op1('Reshape', [x, this.constI64(dims)]);
  }

  reduceSum(x: string, axes: number[], keepdims: boolean): string {
    if (axes.length === 0) return x;
    return this.op1('ReduceSum', [x, this.constI64(axes)], { keepdims: keepdims ? 1 : 0 });
  }

  /** ReduceMean takes its axes as an attribute before opset 18 and as an input from 18 on. */
  reduceMean(x: string, axes: number[], keepdims: boolean): string {
    const keep = keepdims ? 1 : 0;
    return this.opset >= 18
      ? this.op1('ReduceMean', [x, this.constI64(axes)], { keepdims: keep })
      : this.op1('ReduceMean', [x], { axes, keepdims: keep });
  }

  /** Append a node whose outputs keep given names (a rewrite that replaces a forward node). */
  opInto(opType: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue | undefined> = {}): void {
    this.nodes.push(makeNode(opType, inputs, outputs, { name: this.fresh(opType), attrs }));
  }

  transpose(x: string, perm: number[]): string {
    if (perm.every((p, i) => p === i)) return x;
    return this.op1('Transpose', [x], { perm });
  }

  /** Sum a gradient of broadcast shape `from` back to the input shape `to` (numpy broadcasting). */
  unbroadcast(g: string, from: number[], to: number[]): string {
    const lead = from.length - to.length;
    const axes: number[] = [];
    for (let i = 0; i < from.length; i++) {
      if (i < lead) axes.push(i);
      else if (to[i - lead] === 1 && from[i] !== 1) axes.push(i);
    }
    if (axes.length === 0 && lead === 0) return g;
    const summed = this.reduceSum(g, axes, true);
    return this.reshape(summed, to);
  }

  zeros(dims: number[]): string {
    return this.op1('ConstantOfShape', [this.constI64(dims)], { value: makeTensor('', [1], new Float32Array([0])) });
  }

  /** Gradient of a pure gather of input elements: scatter-add dY into zeros at a static index map (-1 = no source). */
  scatterByIndexMap(dY: string, indexMap: Int32Array, inputDims: number[]): string {
    const numel = inputDims.reduce((a, b) => a * b, 1);
    const idx = Array.from(indexMap, (i) => (i < 0 ? numel : i));
    const flatIdx = this.constI64(idx, [idx.length]);
    const flatDY = this.reshape(dY, [idx.length]);
    const scattered = this.op1('ScatterElements', [this.zeros([numel + 1]), flatIdx, flatDY], { axis: 0, reduction: 'add' });
    const trimmed = this.op1('Slice', [scattered, this.constI64([0]), this.constI64([numel]), this.constI64([0])]);
    return this.reshape(trimmed, inputDims);
  }
}

export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

export function numel(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
