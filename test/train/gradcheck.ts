// Gradient checks: analytic gradients from the training graph against central finite
// differences of the same objective (sum(outputs * fixed random tensor)), all run by ORT.
import { onnx } from '../../src/main/onnx/proto.ts';
import { makeNode, makeValueInfo, type AttrValue } from '../../src/main/onnx/graph.ts';
import { makeTensor } from '../../src/main/onnx/tensor.ts';
import { encodeModel, type Model } from '../../src/main/onnx/model.ts';
import { createSession, ort } from '../../src/main/runtime/session.ts';
import { seededRandom } from '../../src/main/data/dataset.ts';
import { buildTrainGraph, type TrainGraphOptions } from '../../src/main/train/training-graph.ts';

export interface CheckCase {
  /** Input 'x' dims (first axis = batch). */
  x: number[];
  /** Float initializers (trainable) by name, with dims; values random unless given. */
  params?: Record<string, number[] | { dims: number[]; values: Float32Array }>;
  /** Non-float initializers (indices, shapes). */
  consts?: onnx.TensorProto[];
  nodes: { op: string; inputs: string[]; outputs: string[]; attrs?: Record<string, AttrValue> }[];
  /** Graph output (default 'y'). */
  output?: string;
  opset?: number;
  /** Values of x: 'spread' gives distinct values at least 0.05 apart (no ties or kinks near a step). */
  xValues?: 'normal' | 'spread' | 'away-from-zero';
  seed?: number;
  options?: Partial<TrainGraphOptions>;
}

export interface CheckResult {
  /** Largest |analytic - numeric| / (|numeric| + scale) over the sampled coordinates, per tensor. */
  worst: Record<string, number>;
  checked: number;
}

function fill(count: number, rand: () => number, kind: CheckCase['xValues']): Float32Array {
  if (kind === 'spread') {
    const order = Array.from({ length: count }, (_, i) => i).sort(() => rand() - 0.5);
    return Float32Array.from(order, (k) => (k - count / 2) * 0.05 + 0.013);
  }
  return Float32Array.from({ length: count }, () => {
    const v = rand() * 2 - 1;
    return kind === 'away-from-zero' ? Math.sign(v) * (0.1 + Math.abs(v)) : v;
  });
}

export function caseModel(c: CheckCase): { model: Model; values: Map<string, Float32Array> } {
  const rand = seededRandom(c.seed ?? 7);
  const values = new Map<string, Float32Array>();
  const initializer: onnx.TensorProto[] = [...(c.consts ?? [])];
  for (const [name, spec] of Object.entries(c.params ?? {})) {
    const dims = Array.isArray(spec) ? spec : spec.dims;
    const v = Array.isArray(spec) ? fill(dims.reduce((a, b) => a * b, 1), rand, 'normal') : spec.values;
    values.set(name, v);
    initializer.push(makeTensor(name, dims, v));
  }
  const nodes = c.nodes.map((n) => makeNode(n.op, n.inputs, n.outputs, { attrs: n.attrs }));
  const graph = onnx.GraphProto.create({
    name: 'case', node: nodes, initializer,
    input: [makeValueInfo('x', 1, c.x)], output: [onnx.ValueInfoProto.create({ name: c.output ?? 'y' })],
  });
  const model = onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: c.opset ?? 17 }], graph }) as unknown as Model;
  values.set('x', fill(c.x.reduce((a, b) => a * b, 1), rand, c.xValues ?? 'normal'));
  return { model, values };
}

/** Compare analytic and numeric gradients on `samples` coordinates of x and of every parameter. */
export async function gradCheck(c: CheckCase, samples = 6): Promise<CheckResult> {
  const { model, values } = caseModel(c);
  const probe = await createSession(encodeModel(model));
  const out = (await probe.run({ x: new ort.Tensor('float32', values.get('x')!, c.x) }))[c.output ?? 'y'];
  const rand = seededRandom((c.seed ?? 7) + 1);
  const weights = Float32Array.from({ length: out.size }, () => rand() * 2 - 1);
  const tg = await buildTrainGraph(model, {
    batchSize: c.x[0], loss: { kind: 'weighted-sum', weights }, inputGradients: ['x'], output: c.output ?? 'y',
    trainable: Object.keys(c.params ?? {}), ...c.options,
  });
  const session = await createSession(encodeModel(tg.model), { optimization: 'disabled' });
  const feeds: Record<string, ort.Tensor> = { x: new ort.Tensor('float32', values.get('x')!, c.x) };
  for (const p of tg.params) feeds[p.name] = new ort.Tensor('float32', values.get(p.name) ?? p.values, p.dims);
  const lossAt = async () => ((await session.run(feeds, [tg.lossOutput]))[tg.lossOutput].data as Float32Array)[0];
  const outputs = await session.run(feeds);
  const targets = [['x', tg.inputGradOutputs.get('x')!] as const, ...tg.params.map((p) => [p.name, p.gradOutput] as const)];
  const worst: Record<string, number> = {};
  let checked = 0;
  const expected = Object.keys(c.params ?? {}).filter((p) => !/^[mv]$/.test(p));
  for (const name of expected) if (!tg.params.some((p) => p.name === name)) throw new Error(`no gradient for parameter ${name}`);
  for (const [name, gradName] of targets) {
    if (!gradName) throw new Error(`no gradient for ${name}`);
    const analytic = outputs[gradName].data as Float32Array;
    const data = feeds[name].data as Float32Array;
    const rms = Math.sqrt(analytic.reduce((a, v) => a + v * v, 0) / analytic.length) + 1e-6;
    worst[name] = 0;
    for (let s = 0; s < Math.min(samples, data.length); s++) {
      const i = Math.floor(rand() * data.length);
      const keep = data[i];
      const h = 2e-3 * Math.max(1, Math.abs(keep));
      data[i] = keep + h;
      const up = await lossAt();
      data[i] = keep - h;
      const down = await lossAt();
      data[i] = keep;
      const numeric = (up - down) / (2 * h);
      worst[name] = Math.max(worst[name], Math.abs(analytic[i] - numeric) / (Math.abs(numeric) + 0.1 * rms + 1e-4));
      checked++;
    }
  }
  await session.release();
  await probe.release();
  return { worst, checked };
}
