// Shared fixtures for the quantize tests: the trained LeNet-5, MobileNetV2, synthetic
// image batches and small hand-built graphs.
import { readFileSync } from 'node:fs';
import { decodeModel, type Model } from '../../src/main/onnx/model.ts';
import { seededRandom, subset, type Dataset } from '../../src/main/data/dataset.ts';
import { loadMnist } from '../../src/main/data/mnist.ts';
import { detectHostCpu } from '../../src/main/passes/quantize/presets.ts';

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
