// Small hand-built graphs for the pruning tests: one per dependency case, seeded weights,
// input [1, 3, 8, 8], ending in GlobalAveragePool -> Flatten -> Gemm -> 'logits'.
import { onnx } from '../../src/main/onnx/proto.ts';
import type { Model, Node, Tensor } from '../../src/main/onnx/model.ts';
import { makeNode, makeValueInfo } from '../../src/main/onnx/graph.ts';
import { float32Tensor, int64Tensor } from '../../src/main/onnx/tensor.ts';
import { seededRandom } from '../../src/main/data/dataset.ts';
import { createSession, ort } from '../../src/main/runtime/session.ts';
import { encodeModel } from '../../src/main/onnx/model.ts';

export class Tiny {
  nodes: Node[] = [];
  inits: Tensor[] = [];
  extraInputs: onnx.ValueInfoProto[] = [];
  private rand = seededRandom(7);
  private n = 0;

  private weights(name: string, dims: number[]): string {
    const count = dims.reduce((a, b) => a * b, 1);
    this.inits.push(float32Tensor(name, dims, Array.from({ length: count }, () => this.rand() * 2 - 1)));
    return name;
  }

  conv(x: string, cin: number, cout: number, opts: { k?: number; group?: number; bias?: boolean; name?: string } = {}): string {
    const name = opts.name ?? `conv${++this.n}`;
    const k = opts.k ?? 3;
    const group = opts.group ?? 1;
    const inputs = [x, this.weights(`${name}.w`, [cout, cin / group, k, k])];
    if (opts.bias ?? true) inputs.push(this.weights(`${name}.b`, [cout]));
    this.nodes.push(makeNode('Conv', inputs, [`${name}.y`], { name, attrs: { group, kernel_shape: [k, k], pads: [k >> 1, k >> 1, k >> 1, k >> 1] } }));
    return `${name}.y`;
  }

  bn(x: string, c: number): string {
    const name = `bn${++this.n}`;
    const pos = (n: string): string => { this.inits.push(float32Tensor(n, [c], Array.from({ length: c }, () => 0.5 + this.rand()))); return n; };
    this.nodes.push(makeNode('BatchNormalization', [x, pos(`${name}.scale`), this.weights(`${name}.bias`, [c]), this.weights(`${name}.mean`, [c]), pos(`${name}.var`)], [`${name}.y`], { name }));
    return `${name}.y`;
  }

  op(opType: string, inputs: string[], attrs?: Record<string, number | number[]>): string {
    const name = `${opType.toLowerCase()}${++this.n}`;
    this.nodes.push(makeNode(opType, inputs, [`${name}.y`], { name, attrs }));
    return `${name}.y`;
  }

  relu(x: string): string { return this.op('Relu', [x]); }

  gemm(x: string, inF: number, outF: number, output?: string): string {
    const name = `fc${++this.n}`;
    const out = output ?? `${name}.y`;
    this.nodes.push(makeNode('Gemm', [x, this.weights(`${name}.w`, [outF, inF]), this.weights(`${name}.b`, [outF])], [out], { name, attrs: { transB: 1 } }));
    return out;
  }

  /** GlobalAveragePool -> Flatten -> Gemm(c -> 5) -> logits. */
  head(x: string, c: number): Model {
    this.gemm(this.op('Flatten', [this.op('GlobalAveragePool', [x])], { axis: 1 }), c, 5, 'logits');
    return this.model();
  }

  model(): Model {
    const graph = onnx.GraphProto.create({
      name: 'tiny', node: this.nodes, initializer: this.inits,
      input: [makeValueInfo('input', onnx.TensorProto.DataType.FLOAT, ['N', 3, 8, 8]), ...this.extraInputs],
      output: [makeValueInfo('logits', onnx.TensorProto.DataType.FLOAT, ['N', 5])],
    });
    return onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], producerName: 'test', graph }) as unknown as Model;
  }

  int64(name: string, values: number[]): string {
    this.inits.push(int64Tensor(name, [values.length], values));
    return name;
  }
}

export const TINY_INPUT = Float32Array.from({ length: 2 * 3 * 8 * 8 }, (_, i) => Math.sin(i * 0.37) + 0.1 * Math.cos(i));

/** Run a model on TINY_INPUT (batch 2), returning its first output. */
export async function runTiny(model: Model, input = TINY_INPUT, dims = [2, 3, 8, 8]): Promise<{ data: Float32Array; dims: number[] }> {
  const session = await createSession(encodeModel(model), { threads: 1 });
  try {
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', input, dims) });
    const t = out[session.outputNames[0]];
    return { data: t.data as Float32Array, dims: t.dims.map(Number) };
  } finally {
    await session.release();
  }
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
