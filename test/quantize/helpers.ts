// Shared fixtures for the quantize tests: the trained LeNet-5, MobileNetV2, synthetic
// image batches and small hand-built graphs.
import { readFileSync } from 'node:fs';
import { decodeModel, type Model } from '../../src/main/onnx/model.ts';
import { seededRandom, subset, type Dataset } from '../../src/main/data/dataset.ts';
import { loadMnist } from '../../src/main/data/mnist.ts';
import { detectHostCpu } from '../../src/main/passes/quantize/presets.ts';
import { GraphBuilder } from '../../src/main/onnx/builder/index.ts';
import { normalizeForQuantization } from '../../src/main/passes/quantize/normalize.ts';
import { probeValueTypes, type ValueType } from '../../src/main/passes/quantize/probe.ts';
import { withRangeOutputs } from '../../src/main/passes/quantize/calibration-graph.ts';

/**
 * The x86 preset this host runs correctly: full-range int8 weights (x86-vnni) saturate on AVX2
 * CPUs without VNNI, so checks of fused-kernel accuracy use the host's own x86 preset.
 */
export const HOST_X86 = detectHostCpu().vnni ? 'x86-vnni' : 'x86-avx2';
import { FIXTURES_DIR } from '../fixtures-path.ts';

/** The runnable test models (test/fixtures-path.ts). */
export const FIXTURES = FIXTURES_DIR;
export const LENET_PATH = `${FIXTURES}/lenet5-mnist-trained.onnx`;

export function lenet(): Model {
  return decodeModel(readFileSync(LENET_PATH));
}

export function mobilenet(): Model {
  return decodeModel(readFileSync(`${FIXTURES}/mobilenet_v2-random.onnx`));
}

/** Every k-th sample of the MNIST train split: a small, class-balanced calibration set. */
export function mnistCalibration(samples: number): Dataset {
  const train = loadMnist('train');
  const step = Math.floor(train.size / samples);
  return subset(train, Array.from({ length: samples }, (_, i) => i * step), 'MNIST calibration');
}

export function synthetic(count: number, sampleShape: number[], seed = 3): Dataset {
  const per = sampleShape.reduce((a, b) => a * b, 1);
  const rand = seededRandom(seed);
  const inputs = new Float32Array(count * per);
  for (let i = 0; i < inputs.length; i++) inputs[i] = rand() * 2 - 1;
  return { name: 'synthetic', size: count, sampleShape, inputs };
}

/** side x side images: conv blocks with 16/32 channels (ORT runs them in its blocked layout), ReLU, ReLU6, a linear conv, a residual Add, SiLU. */
export function convCalibrationNet(side = 12): Model {
  const b = new GraphBuilder(9);
  let [x, shape] = b.conv('input', [3, side, side], { outChannels: 16, kernel: 3, pad: 1 });
  x = b.relu(x);
  const [lin] = b.conv(x, shape, { outChannels: 16, kernel: 1 });
  x = b.add(x, lin);
  [x, shape] = b.conv(x, shape, { outChannels: 32, kernel: 3, stride: 2, pad: 1 });
  x = b.relu6(x);
  const [pre] = b.conv(x, shape, { outChannels: 32, kernel: 1 });
  x = b.op('Mul', [pre, b.op('Sigmoid', [pre], ['silu.sig'])], ['silu.out']);
  b.gemm(b.flatten(b.globalAveragePool(x)), 32, 10, 'fc');
  return b.finish([3, side, side], 10, 'calibration test net', 'test');
}

/** A model prepared for calibration, its float values and their types. */
export async function calibrationTensors(model: Model): Promise<{ normalized: Model; names: string[]; types: Awaited<ReturnType<typeof probeValueTypes>> }> {
  const normalized = normalizeForQuantization(model);
  const types = await probeValueTypes(normalized);
  const names = normalized.graph.node.flatMap((n) => n.output).filter((o) => types.get(o)?.type === 'float32');
  return { normalized, names, types };
}

/** The values whose range the calibration graph takes from their input's, in JS (SiLU outputs: siluRange). */
export function siluDerived(model: Model, names: string[], types: Map<string, ValueType>): Set<string> {
  return new Set(withRangeOutputs(model, names, types).ranges.filter((r) => r.of === 'silu').map((r) => r.tensor));
}
