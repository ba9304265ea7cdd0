// The networks the training bench races against PyTorch (bench/torch_ref.py builds the same
// layers by the same names), and the data both sides read. Bench-only.
import { writeFileSync } from 'node:fs';
import { buildLeNet5, buildMlp, buildMobileNetV2Style, buildResNet, GraphBuilder } from '../src/main/onnx/builder/index.ts';
import type { Model } from '../src/main/onnx/model.ts';
import type { Dataset } from '../src/main/data/dataset.ts';

export interface BenchModel {
  /** Key torch_ref.py knows the architecture by. */
  key: 'mlp' | 'lenet5' | 'bncnn' | 'mobilenetv2' | 'resnet';
  label: string;
  build: () => Model;
  /** Per-sample shape the model reads. */
  sampleShape: number[];
}

/** Conv 3x3 (no bias) -> BatchNormalization -> ReLU, twice per stage, max pool after each stage. */
export function buildBnCnn(channels: number[] = [32, 32, 64, 64], seed = 0): Model {
  const b = new GraphBuilder(seed);
  let x = 'input';
  let shape = [1, 28, 28];
  channels.forEach((c, i) => {
    [x, shape] = b.conv(x, shape, { outChannels: c, kernel: 3, pad: 1, bias: false }, `conv${i + 1}`);
    x = b.relu(b.batchNorm(x, c, `bn${i + 1}`));
    if (i % 2 === 1) [x, shape] = b.maxPool(x, shape, 2, 2);
  });
  x = b.flatten(x);
  b.gemm(x, shape[0] * shape[1] * shape[2], 10, 'fc');
  return b.finish([1, 28, 28], 10, `BN-CNN ${channels.join('-')}`, 'bncnn');
}

/** x * sigmoid(x), as PyTorch exports SiLU. */
function swish(b: GraphBuilder, x: string): string {
  const name = b.name('swish');
  return b.op('Mul', [x, b.op('Sigmoid', [x], [`${name}.sig`])], [`${name}.out`]);
}

/**
 * An EfficientNet-B0-style network (Tan & Le 2019) at 224x224: MBConv blocks with squeeze-and-
 * excitation and SiLU, 5.3 M parameters, ~ 400 M MACs. Only the training-graph build cost is measured on it.
 */
export function buildEfficientNetB0Style(seed = 0): Model {
  const b = new GraphBuilder(seed);
  const convBn = (x: string, shape: number[], c: number, k: number, stride: number, group: number, act: boolean): [string, number[]] => {
    const prefix = b.name('conv');
    const [y, s] = b.conv(x, shape, { outChannels: c, kernel: k, stride, pad: (k - 1) / 2, group, bias: false }, prefix);
    const z = b.batchNorm(y, c, `${prefix}.bn`);
    return [act ? swish(b, z) : z, s];
  };
  let [x, shape] = convBn('input', [3, 224, 224], 32, 3, 2, 1, true);
  const stages: [number, number, number, number, number][] = [[1, 16, 1, 1, 3], [6, 24, 2, 2, 3], [6, 40, 2, 2, 5], [6, 80, 3, 2, 3], [6, 112, 3, 1, 5], [6, 192, 4, 2, 5], [6, 320, 1, 1, 3]];
  for (const [t, c, n, s, k] of stages) {
    for (let i = 0; i < n; i++) {
      const cin = shape[0];
      const input = x;
      let y = x;
      let ys = shape;
      if (t !== 1) [y, ys] = convBn(y, ys, cin * t, 1, 1, 1, true);
      [y, ys] = convBn(y, ys, ys[0], k, i === 0 ? s : 1, ys[0], true);
      const squeezed = Math.max(1, Math.floor(cin / 4));
      const [reduced] = b.conv(b.globalAveragePool(y), [ys[0], 1, 1], { outChannels: squeezed, kernel: 1 });
      const [expanded] = b.conv(swish(b, reduced), [squeezed, 1, 1], { outChannels: ys[0], kernel: 1 });
      y = b.op('Mul', [y, b.op('Sigmoid', [expanded], [`${expanded}.gate`])], [`${expanded}.scaled`]);
      [y, ys] = convBn(y, ys, c, 1, 1, 1, false);
      x = i > 0 ? b.add(input, y) : y;
      shape = ys;
    }
  }
  [x, shape] = convBn(x, shape, 1280, 1, 1, 1, true);
  b.gemm(b.flatten(b.globalAveragePool(x)), 1280, 1000, 'classifier');
  return b.finish([3, 224, 224], 1000, 'EfficientNet-B0-style, 224x224, 1000 classes', 'efficientnet-b0');
}

export const BENCH_MODELS: BenchModel[] = [
  { key: 'mlp', label: 'MLP 784-64-64-10', build: () => buildMlp({ sizes: [784, 64, 64, 10], seed: 0 }), sampleShape: [1, 28, 28] },
  { key: 'lenet5', label: 'LeNet-5', build: () => buildLeNet5({ seed: 0 }), sampleShape: [1, 28, 28] },
  { key: 'bncnn', label: 'BN-CNN 32-32-64-64, 28x28', build: () => buildBnCnn(), sampleShape: [1, 28, 28] },
  {
    key: 'mobilenetv2', label: 'MobileNetV2 x0.5, 32x32', sampleShape: [3, 32, 32],
    build: () => buildMobileNetV2Style({ width: 0.5, inputSize: 32, classes: 10, seed: 0 }),
  },
  { key: 'resnet', label: 'ResNet-small 16-32-64, 32x32', build: () => buildResNet({ depth: 'small', classes: 10, seed: 0 }), sampleShape: [3, 32, 32] },
];

/**
 * MNIST digits in the model's sample shape: flat for the MLP, 1x28x28 for the MNIST CNNs, and
 * padded to 32x32 with the digit in all three channels for the 32x32 RGB networks.
 */
export function benchDataset(mnist: Dataset, sampleShape: number[], count: number): Dataset {
  const per = sampleShape.reduce((a, b) => a * b, 1);
  const inputs = new Float32Array(count * per);
  const labels = new Int32Array(count);
  for (let s = 0; s < count; s++) {
    const digit = mnist.inputs.subarray(s * 784, (s + 1) * 784);
    labels[s] = mnist.labels![s];
    if (per === 784) { inputs.set(digit, s * per); continue; }
    const [c, h, w] = sampleShape;
    for (let ch = 0; ch < c; ch++) {
      for (let y = 0; y < 28; y++) {
        inputs.set(digit.subarray(y * 28, y * 28 + 28), s * per + ch * h * w + (y + (h - 28) / 2) * w + (w - 28) / 2);
      }
    }
  }
  return { name: `MNIST as ${sampleShape.join('x')}`, size: count, sampleShape, inputs, labels, numClasses: 10 };
}

/** Raw little-endian float32 samples and int64 labels, for the Python side to read with numpy. */
export function writeRawDataset(ds: Dataset, inputsPath: string, labelsPath: string): void {
  writeFileSync(inputsPath, Buffer.from(ds.inputs.buffer, ds.inputs.byteOffset, ds.inputs.byteLength));
  const labels = BigInt64Array.from(Array.from(ds.labels!, (l) => BigInt(l)));
  writeFileSync(labelsPath, Buffer.from(labels.buffer));
}
