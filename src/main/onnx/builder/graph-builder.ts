// A small imperative builder for ONNX graphs (opset 17, IR 8, float32, batch dim 'N'):
// layers append nodes and seeded He-initialized initializers, `finish` returns the Model.
import { onnx, DataType } from '../proto.ts';
import { makeNode, makeValueInfo, setAttr, type AttrValue } from '../graph.ts';
import { makeTensor, float32Tensor } from '../tensor.ts';
import type { Model, Node, Tensor } from '../model.ts';
import { seededRandom } from '../../../shared/random.ts';

export const BUILDER_OPSET = 17;
export const BUILDER_IR_VERSION = 8;
export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'logits';

export interface ConvSpec {
  outChannels: number;
  kernel: number;
  stride?: number;
  pad?: number;
  group?: number;
  /** Default true; false for a Conv followed by BatchNormalization (PyTorch's habit). */
  bias?: boolean;
}

/** Shape of a value as the builder tracks it: [C, H, W] or [F], batch excluded. */
export type SampleShape = number[];

export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: Tensor[] = [];
  private readonly uniform: () => number;
  private readonly counters = new Map<string, number>();
  private spareGaussian: number | undefined;

  constructor(seed: number) {
    this.uniform = seededRandom(seed);
  }

  /** A fresh layer prefix such as `conv3`. */
  name(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}${n}`;
  }

  gaussian(): number {
    if (this.spareGaussian !== undefined) {
      const g = this.spareGaussian;
      this.spareGaussian = undefined;
      return g;
    }
    const u = Math.max(this.uniform(), 1e-12);
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareGaussian = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  uniformIn(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  addInitializer(name: string, dims: number[], values: ArrayLike<number>): string {
    this.initializers.push(float32Tensor(name, dims, values));
    return name;
  }

  addInt64Initializer(name: string, dims: number[], values: number[]): string {
    this.initializers.push(makeTensor(name, dims, BigInt64Array.from(values, BigInt)));
    return name;
  }

  /** He/Kaiming normal weights (std = sqrt(2 / fanIn)), PyTorch-style uniform bias. */
  heWeights(name: string, dims: number[], fanIn: number): string {
    const std = Math.sqrt(2 / fanIn);
    const count = dims.reduce((a, b) => a * b, 1);
    const w = new Float32Array(count);
    for (let i = 0; i < count; i++) w[i] = this.gaussian() * std;
    return this.addInitializer(name, dims, w);
  }

  bias(name: string, count: number, fanIn: number): string {
    const bound = 1 / Math.sqrt(fanIn);
    const b = new Float32Array(count);
    for (let i = 0; i < count; i++) b[i] = this.uniformIn(-bound, bound);
    return this.addInitializer(name, [count], b);
  }

  op(opType: string, inputs: string[], outputs: string[], attrs?: Record<string, AttrValue | undefined>, nodeName?: string): string {
    this.nodes.push(makeNode(opType, inputs, outputs, { name: nodeName ?? outputs[0], attrs }));
    return outputs[0];
  }

  /** Conv with He weights; returns the output value name and its sample shape. */
  conv(x: string, shape: SampleShape, spec: ConvSpec, prefix = this.name('conv')): [string, SampleShape] {
    const [cIn, h, w] = shape;
    const group = spec.group ?? 1;
    const stride = spec.stride ?? 1;
    const pad = spec.pad ?? 0;
    const k = spec.kernel;
    const fanIn = (cIn / group) * k * k;
    const inputs = [x, this.heWeights(`${prefix}.weight`, [spec.outChannels, cIn / group, k, k], fanIn)];
    if (spec.bias ?? true) inputs.push(this.bias(`${prefix}.bias`, spec.outChannels, fanIn));
    const out = this.op('Conv', inputs, [`${prefix}.out`], {
      dilations: [1, 1], group, kernel_shape: [k, k], pads: [pad, pad, pad, pad], strides: [stride, stride],
    }, prefix);
    const outH = Math.floor((h + 2 * pad - k) / stride) + 1;
    const outW = Math.floor((w + 2 * pad - k) / stride) + 1;
    return [out, [spec.outChannels, outH, outW]];
  }

  /**
   * Inference-mode BatchNormalization. Statistics are drawn near identity (gamma ~ U(0.5, 1.5),
   * small beta and mean, var ~ U(0.5, 1.5)) so folding and pruning tests see non-trivial values.
   */
  batchNorm(x: string, channels: number, prefix: string): string {
    const gamma = new Float32Array(channels);
    const beta = new Float32Array(channels);
    const mean = new Float32Array(channels);
    const variance = new Float32Array(channels);
    for (let c = 0; c < channels; c++) {
      gamma[c] = this.uniformIn(0.5, 1.5);
      beta[c] = this.uniformIn(-0.1, 0.1);
      mean[c] = this.uniformIn(-0.1, 0.1);
      variance[c] = this.uniformIn(0.5, 1.5);
    }
    const inputs = [
      x,
      this.addInitializer(`${prefix}.weight`, [channels], gamma),
      this.addInitializer(`${prefix}.bias`, [channels], beta),
      this.addInitializer(`${prefix}.running_mean`, [channels], mean),
      this.addInitializer(`${prefix}.running_var`, [channels], variance),
    ];
    return this.op('BatchNormalization', inputs, [`${prefix}.out`], { epsilon: 1e-5, momentum: 0.9 }, prefix);
  }

  relu(x: string): string {
    const name = this.name('relu');
    return this.op('Relu', [x], [`${name}.out`], undefined, name);
  }

  /** ReLU6 as Clip(x, 0, 6) with scalar min/max initializers (opset >= 11 form). */
  relu6(x: string): string {
    if (!this.initializers.some((t) => t.name === 'relu6.min')) {
      this.addInitializer('relu6.min', [], [0]);
      this.addInitializer('relu6.max', [], [6]);
    }
    const name = this.name('clip');
    return this.op('Clip', [x, 'relu6.min', 'relu6.max'], [`${name}.out`], undefined, name);
  }

  maxPool(x: string, shape: SampleShape, kernel: number, stride: number, pad = 0): [string, SampleShape] {
    const name = this.name('maxpool');
    const out = this.op('MaxPool', [x], [`${name}.out`], {
      ceil_mode: 0, kernel_shape: [kernel, kernel], pads: [pad, pad, pad, pad], strides: [stride, stride],
    }, name);
    const [c, h, w] = shape;
    return [out, [c, Math.floor((h + 2 * pad - kernel) / stride) + 1, Math.floor((w + 2 * pad - kernel) / stride) + 1]];
  }

  globalAveragePool(x: string): string {
    const name = this.name('gap');
    return this.op('GlobalAveragePool', [x], [`${name}.out`], undefined, name);
  }

  flatten(x: string): string {
    const name = this.name('flatten');
    return this.op('Flatten', [x], [`${name}.out`], { axis: 1 }, name);
  }

  add(a: string, b: string): string {
    const name = this.name('add');
    return this.op('Add', [a, b], [`${name}.out`], undefined, name);
  }

  /** Fully connected layer as PyTorch exports it: Gemm(x, W[out,in], b, transB=1). */
  gemm(x: string, inFeatures: number, outFeatures: number, prefix = this.name('fc'), output?: string): string {
    const weight = this.heWeights(`${prefix}.weight`, [outFeatures, inFeatures], inFeatures);
    const bias = this.bias(`${prefix}.bias`, outFeatures, inFeatures);
    const out = this.op('Gemm', [x, weight, bias], [output ?? `${prefix}.out`], { transB: 1 }, prefix);
    // alpha/beta are FLOAT attributes; makeAttr would type the literal 1 as INT.
    const node = this.nodes[this.nodes.length - 1];
    setAttr(node, 'alpha', 1, 'float');
    setAttr(node, 'beta', 1, 'float');
    return out;
  }

  /** Rename the last node's output to `logits` so the graph output has the conventional name. */
  finish(inputSampleShape: SampleShape, outputFeatures: number, docString: string, arch: string): Model {
    const last = this.nodes[this.nodes.length - 1];
    const old = last.output[0];
    last.output[0] = OUTPUT_NAME;
    for (const n of this.nodes) n.input = n.input.map((i) => (i === old ? OUTPUT_NAME : i));
    const graph = onnx.GraphProto.create({
      name: arch,
      node: this.nodes,
      initializer: this.initializers,
      input: [makeValueInfo(INPUT_NAME, DataType.FLOAT, ['N', ...inputSampleShape])],
      output: [makeValueInfo(OUTPUT_NAME, DataType.FLOAT, ['N', outputFeatures])],
    });
    return onnx.ModelProto.create({
      irVersion: BUILDER_IR_VERSION,
      opsetImport: [{ domain: '', version: BUILDER_OPSET }],
      producerName: 'whittle',
      producerVersion: '0.1.0',
      docString,
      graph,
      metadataProps: [{ key: 'whittle.arch', value: arch }],
    }) as unknown as Model;
  }
}
