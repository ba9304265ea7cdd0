// Training through transformer and detector exports: the ViT fixture fine-tunes on the MNIST
// split, a small built ViT distills from it, and the YOLO fixture trains against its teacher's
// three output maps (MSE on logits and on named features) on random images.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cloneModel, decodeModel, encodeModel, type Model } from '../../src/main/onnx/model.ts';
import { makeTensor, tensorToFloat32 } from '../../src/main/onnx/tensor.ts';
import { buildVit } from '../../src/main/onnx/builder/index.ts';
import { loadMnist } from '../../src/main/data/mnist.ts';
import { seededRandom, subset, type Dataset } from '../../src/main/data/dataset.ts';
import { evaluateModel } from '../../src/main/runtime/evaluate.ts';
import { trainModel } from '../../src/main/train/trainer.ts';
import { fixtureModel, LENET_FIXTURE } from '../fixtures-path.ts';
import { HANDLERS } from '../../src/main/engine/handlers/index.ts';
import { findKind } from '../../src/shared/catalog/index.ts';
import type { DatasetValue, ModelValue, NodeResult, Params, PortValue } from '../../src/shared/catalog/types.ts';

const vitTeacher = decodeModel(readFileSync(fixtureModel('vit-tiny-mnist-trained.onnx')));
const test = loadMnist('test');
const accuracy = async (m: Model, ds: Dataset = test) => (await evaluateModel(encodeModel(m), ds)).top1!;
const pick = (n: number, seed: number): Dataset => {
  const train = loadMnist('train');
  const rand = seededRandom(seed);
  return subset(train, Array.from({ length: n }, () => Math.floor(rand() * train.size)));
};

describe('transformers', () => {
  it('fine-tunes the ViT fixture: loss falls, LayerNorm and class token trained, test accuracy kept', async () => {
    const before = await accuracy(vitTeacher);
    const r = await trainModel(vitTeacher, pick(1024, 3), {
      epochs: 2, batchSize: 32, seed: 1, optimizer: { kind: 'adamw', lr: 2e-5, weightDecay: 0.05 }, threads: 2,
    });
    expect(r.stopReason).toBe('completed');
    expect(r.history[1].trainLoss).toBeLessThan(r.history[0].trainLoss);
    // Every float tensor of the export is trained: LayerNorm gains, the class token (through Expand), attention weights.
    expect(r.trainableParams).toBe(vitTeacher.graph.initializer.filter((t) => t.dataType === 1).reduce((a, t) => a + t.dims.reduce((p, q) => p * Number(q), 1), 0));
    const changed = (name: string) => {
      const a = tensorToFloat32(vitTeacher.graph.initializer.find((t) => t.name === name)!);
      const b = tensorToFloat32(r.model.graph.initializer.find((t) => t.name === name)!);
      return a.some((v, i) => v !== b[i]);
    };
    expect(['cls', 'pos', 'enc.layers.0.norm1.weight', 'onnx::MatMul_547', 'head.weight'].every(changed)).toBe(true);
    expect(before - (await accuracy(r.model))).toBeLessThanOrEqual(0.005);
  }, 300_000);

  it('distills the ViT fixture into a small built ViT (the short version trains)', async () => {
    const student = buildVit({ dim: 32, depth: 2, heads: 2, seed: 1 });
    const before = await accuracy(student);
    const r = await trainModel(student, pick(1024, 5), {
      epochs: 2, batchSize: 64, seed: 1, optimizer: { kind: 'adamw', lr: 2e-3, weightDecay: 0.05 }, schedule: { kind: 'cosine' }, threads: 2,
      teacher: vitTeacher, loss: { kind: 'distill', temperature: 4, alpha: 0.9 },
    });
    expect(r.history[1].trainLoss).toBeLessThan(r.history[0].trainLoss);
    expect(await accuracy(r.model)).toBeGreaterThan(Math.max(0.3, before + 0.15));
  }, 300_000);
});

describe('detectors', () => {
  it('trains the YOLO fixture against its teacher on all three output maps (MSE): the loss falls', async () => {
    const teacher = decodeModel(readFileSync(fixtureModel('yolo-tiny-random.onnx')));
    const student = cloneModel(teacher);
    const rand = seededRandom(4);
    // The student starts as the teacher with every weight and bias scaled by a random 0.8-1.2 factor
    // (random-weight heads answer mostly with their biases, so those must differ too).
    student.graph.initializer = student.graph.initializer.map((t) => (t.dataType === 1 && t.dims.length >= 1
      ? makeTensor(t.name, t.dims.map(Number), tensorToFloat32(t).map((v) => v * (0.8 + 0.4 * rand())))
      : t));
    const images: Dataset = { name: 'random images', size: 2, sampleShape: [3, 320, 320], inputs: Float32Array.from({ length: 2 * 3 * 320 * 320 }, () => rand()) };
    const r = await trainModel(student, images, {
      epochs: 3, batchSize: 1, seed: 1, optimizer: { kind: 'adam', lr: 1e-3 }, threads: 2,
      loss: { kind: 'mse-logits' }, teacher, features: [{ student: 'p4', teacher: 'p4' }, { student: 'p5', teacher: 'p5' }],
    });
    expect(r.stopReason).toBe('completed');
    const losses = r.history.map((h) => h.trainLoss);
    expect(losses[1]).toBeLessThan(losses[0]);
    expect(losses[2]).toBeLessThan(losses[0] * 0.5);
    // Outputs keep their shapes, and Resize/Split/Concat/SiLU/MaxPool stayed as exported.
    expect(r.model.graph.output.map((o) => o.name)).toEqual(['p3', 'p4', 'p5']);
    expect(r.model.graph.node.map((n) => n.opType)).toEqual(student.graph.node.map((n) => n.opType));
  }, 300_000);
});

/** Run the distill node on a hand-made context; returns its result and the op types of the student it wrote. */
async function runDistillNode(params: Params, inputs: Record<string, PortValue>): Promise<{ result: NodeResult; ops: string[] }> {
  const spec = findKind('distill')!;
  const defaults = Object.fromEntries(Object.entries(spec.params).map(([k, p]) => [k, p.default]));
  const dir = mkdtempSync(join(tmpdir(), 'whittle-distill-node-'));
  try {
    const result = await HANDLERS.distill({
      nodeId: 'd', params: { ...defaults, ...params }, inputs, documentDir: dir, workDir: dir, signal: new AbortController().signal,
      progress: () => {}, log: () => {}, report: () => {},
    });
    const student = decodeModel(readFileSync((result.outputs.model as ModelValue).path));
    return { result, ops: [...new Set(student.graph.node.map((n) => n.opType))] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('distill node', () => {
  const modelValue = (path: string, label: string): ModelValue => ({ type: 'model', path, sha256: label, sizeBytes: statSync(path).size, label });
  const mnist = (limit: number): DatasetValue => ({ type: 'dataset', source: 'mnist', options: { split: 'train', limit, shuffle: true, seed: 3 }, label: 'MNIST' });

  it('builds a small ViT student and distills the ViT fixture into it', async () => {
    const { result, ops } = await runDistillNode({ studentSource: 'builder', arch: 'vit', epochs: 1, batchSize: 32, valFraction: 0 }, {
      teacher: modelValue(fixtureModel('vit-tiny-mnist-trained.onnx'), 'ViT'), dataset: mnist(256),
    });
    expect((result.outputs.model as ModelValue).label).toBe('ViT · distilled');
    expect(ops).toEqual(expect.arrayContaining(['LayerNormalization', 'Softmax', 'Erf', 'Expand']));
    expect(result.metrics.temperature).toBe(4);
  }, 120_000);

  it('matches raw outputs by MSE when asked (detectors), without labels', async () => {
    const { result } = await runDistillNode({ studentSource: 'pruned', channelRatio: 0.5, outputLoss: 'mse', epochs: 3, batchSize: 32, valFraction: 0 }, {
      teacher: modelValue(LENET_FIXTURE, 'LeNet-5'), dataset: mnist(128),
    });
    expect(result.metrics.outputLoss).toBe('mse');
    expect(result.metrics.temperature).toBeUndefined();
    const curve = result.reports![0].data as { epochs: { trainLoss: number }[] };
    expect(curve.epochs[2].trainLoss).toBeLessThan(curve.epochs[0].trainLoss);
  }, 120_000);
});
