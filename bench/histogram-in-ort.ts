// Could the calibration histogram be built inside ONNX Runtime, so activations never leave it?
// |x| * bins/limit, clamped to the edge slot, Cast to int32, ScatterElements(reduction='add')
// of ones into 2049 counts, against the current path (the value copied out of ORT, binned by the
// WebAssembly kernel), on real activations of the EfficientNet-B0-style network, 1 thread.
import { makeNode, makeValueInfo } from '../src/main/onnx/graph.ts';
import { encodeModel, type Model } from '../src/main/onnx/model.ts';
import { DataType, onnx } from '../src/main/onnx/proto.ts';
import { float32Tensor } from '../src/main/onnx/tensor.ts';
import { createSession, ort } from '../src/main/runtime/session.ts';
import { HistogramKernel, KERNEL_BINS } from '../src/main/passes/quantize/histogram-kernel.ts';
import { withExtraOutputs } from '../src/main/passes/quantize/probe.ts';
import { benchModel, benchSamples } from './quantize-calibration-child.ts';

/** counts[0..2048] of |x| over [0, limit) as the kernel bins them, the last slot for |x| >= limit. */
function histogramModel(): Model {
  const ones = onnx.AttributeProto.create({ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: float32Tensor('', [1], [1]) });
  const nodes = [
    makeNode('Abs', ['x'], ['abs']),
    makeNode('Mul', ['abs', 'perBin'], ['scaled']),
    makeNode('Min', ['scaled', 'edge'], ['clamped']),
    makeNode('Cast', ['clamped'], ['bin'], { attrs: { to: DataType.INT32 } }),
    makeNode('Shape', ['bin'], ['count']),
    makeNode('ConstantOfShape', ['count'], ['ones']),
    makeNode('ScatterElements', ['zeros', 'bin', 'ones'], ['counts'], { attrs: { reduction: 'add' } }),
  ];
  nodes[5].attribute.push(ones);
  const graph = onnx.GraphProto.create({
    name: 'histogram', node: nodes,
    initializer: [float32Tensor('edge', [], [KERNEL_BINS]), float32Tensor('zeros', [KERNEL_BINS + 1], new Float32Array(KERNEL_BINS + 1))],
    input: [makeValueInfo('x', DataType.FLOAT, ['n']), makeValueInfo('perBin', DataType.FLOAT, [])],
    output: [onnx.ValueInfoProto.create({ name: 'counts' })],
  });
  return onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 18 }], graph }) as unknown as Model;
}

export async function histogramInOrtRows(samples = 6, values = 4): Promise<void> {
  const model = benchModel('efficientnet');
  // The largest activations: where the per-value cost shows.
  const names = model.graph.node.filter((n) => n.opType === 'Conv').map((n) => n.output[0]).slice(0, values);
  const plain = await createSession(encodeModel(model), { threads: 1 });
  const source = await createSession(encodeModel(withExtraOutputs(model, names)), { threads: 1 });
  const histogram = await createSession(encodeModel(histogramModel()), { threads: 1 });
  const kernel = HistogramKernel.shared();
  const ds = benchSamples(samples + 1);
  const per = ds.inputs.length / ds.size;
  let inOrtMs = 0;
  let kernelMs = 0;
  let copyOutMs = 0;
  let count = 0;
  let equal = true;
  // Sample 0 warms every session and the kernel up and is not counted.
  for (let s = 0; s <= samples; s++) {
    if (s === 1) [inOrtMs, kernelMs, copyOutMs, count] = [0, 0, 0, 0];
    const feeds = { input: new ort.Tensor('float32', ds.inputs.slice(s * per, (s + 1) * per), [1, 3, 224, 224]) };
    let t = performance.now();
    await plain.run(feeds);
    copyOutMs -= performance.now() - t;
    t = performance.now();
    const out = await source.run(feeds);
    copyOutMs += performance.now() - t;
    for (const name of names) {
      const x = out[name].data as Float32Array;
      const limit = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0) * 1.5;
      const perBin = KERNEL_BINS / limit;
      t = performance.now();
      const counts = (await histogram.run({ x: new ort.Tensor('float32', x, [x.length]), perBin: new ort.Tensor('float32', Float32Array.of(perBin), []) })).counts.data as Float32Array;
      inOrtMs += performance.now() - t;
      const hist = new Float64Array(KERNEL_BINS);
      t = performance.now();
      kernel.addAbsolute(x, limit, perBin, hist);
      kernelMs += performance.now() - t;
      count += x.length;
      // The kernel counts |x| >= limit into its last bin; the graph into slot 2048.
      for (let j = 0; j < KERNEL_BINS; j++) if (hist[j] !== counts[j] + (j === KERNEL_BINS - 1 ? counts[KERNEL_BINS] : 0)) equal = false;
    }
  }
  await plain.release();
  await source.release();
  await histogram.release();
  const ns = (ms: number): string => ((ms * 1e6) / count).toFixed(2);
  console.log(`\nHistogram of |x| inside ONNX Runtime (ScatterElements add) vs the WebAssembly kernel, ${names.length} EfficientNet-B0-style activations x ${samples} samples (${(count / 1e6).toFixed(1)} M values), 1 thread`);
  console.log('| path | ns per value | counts equal the kernel\'s |');
  console.log('|---|---|---|');
  console.log(`| in ORT: Abs, Mul, Min, Cast, ScatterElements | ${ns(inOrtMs)} | ${equal ? 'yes' : 'no'} |`);
  console.log(`| current: the value as an output of the model (run time added) + WebAssembly kernel | ${ns(copyOutMs)} + ${ns(kernelMs)} | (reference) |`);
}
