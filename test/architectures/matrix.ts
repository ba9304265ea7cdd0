// The every-pass matrix: the four architecture fixtures, node contexts as the engine builds
// them, datasets shaped for each model, and an independent ONNX Runtime comparison of a
// pass's output model against the unmodified one (same feeds, every output).
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import type { NodeContext } from '../../src/main/engine/handler.ts';
import { HANDLERS } from '../../src/main/engine/handlers/index.ts';
import { findKind } from '../../src/shared/catalog/index.ts';
import type { DatasetValue, ModelValue, NodeResult, Params, PortValue } from '../../src/shared/catalog/types.ts';
import { describeDataset } from '../../src/main/data/describe.ts';
import { loadMnist } from '../../src/main/data/mnist.ts';
import { decodeModel, type Model } from '../../src/main/onnx/model.ts';
import { seededRandom } from '../../src/main/data/dataset.ts';
import { FIXTURES_DIR, fixtureModel, type FixtureName } from '../fixtures-path.ts';

export interface ArchFixture {
  file: FixtureName;
  label: string;
  /** One sample's shape (no batch axis). */
  sampleShape: number[];
  /** Classes of the [N, C] logits; undefined for the detector (three feature maps). */
  classes?: number;
  /** Trained on MNIST: checked on real digits rather than random inputs. */
  mnist: boolean;
}

export const FIXTURES: ArchFixture[] = [
  { file: 'mobilenet_v3_small-random.onnx', label: 'MobileNetV3-small', sampleShape: [3, 224, 224], classes: 1000, mnist: false },
  { file: 'shufflenet_v2_x1_0-random.onnx', label: 'ShuffleNetV2', sampleShape: [3, 224, 224], classes: 1000, mnist: false },
  { file: 'yolo-tiny-random.onnx', label: 'YOLO-tiny', sampleShape: [3, 320, 320], mnist: false },
  { file: 'vit-tiny-mnist-trained.onnx', label: 'ViT-tiny', sampleShape: [1, 28, 28], classes: 10, mnist: true },
];

export function fixtureValue(f: ArchFixture): ModelValue {
  return modelValueOf(fixtureModel(f.file), f.label);
}

export function modelValueOf(path: string, label: string): ModelValue {
  const bytes = readFileSync(path);
  return { type: 'model', path, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length, label };
}

/** A NodeContext as the engine hands it to a handler: the catalog's defaults under the given params. */
export function nodeContext(kind: string, params: Params, inputs: Record<string, PortValue>): NodeContext & { logs: string[] } {
  const spec = findKind(kind)!;
  const defaults = Object.fromEntries(Object.entries(spec.params).map(([k, p]) => [k, p.default]));
  const logs: string[] = [];
  return {
    nodeId: `${kind}-node`, params: { ...defaults, ...params }, inputs, documentDir: FIXTURES_DIR, workDir: mkdtempSync(join(tmpdir(), `whittle-${kind}-`)),
    signal: new AbortController().signal, progress: () => {}, log: (m) => logs.push(m), report: () => {}, logs,
  };
}

/** A handler's result as the engine receives it, warnings always a list. */
export async function runNode(kind: string, params: Params, inputs: Record<string, PortValue>): Promise<NodeResult & { warnings: string[] }> {
  const r = await HANDLERS[kind](nodeContext(kind, params, inputs));
  return { ...r, warnings: r.warnings ?? [] };
}

/**
 * Samples shaped for the fixture: MNIST digits (with labels) for the ViT, seeded uniform
 * images otherwise (random labels over its classes when `labels`, none for the detector).
 */
export function datasetFor(f: ArchFixture, count: number, opts: { labels?: boolean; seed?: number; split?: 'train' | 'test' } = {}): DatasetValue {
  if (f.mnist) return describeDataset('dataset.mnist', { split: opts.split ?? 'test', limit: count, shuffle: true, seed: opts.seed ?? 1 }, FIXTURES_DIR);
  return describeDataset('dataset.synthetic', {
    shape: f.sampleShape.join(', '), count, seed: opts.seed ?? 1, distribution: 'uniform', numClasses: opts.labels && f.classes ? f.classes : 0,
  }, FIXTURES_DIR);
}

/** One batch of inputs for direct ORT runs: MNIST test digits for the ViT, seeded uniform values otherwise. */
export function feedsFor(f: ArchFixture, batch: number, seed = 7): Record<string, ort.Tensor> {
  const size = f.sampleShape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(batch * size);
  if (f.mnist) {
    const ds = loadMnist('test');
    for (let i = 0; i < batch; i++) data.set(ds.inputs.subarray(i * 37 * size, (i * 37 + 1) * size), i * size);
  } else {
    const rand = seededRandom(seed);
    for (let i = 0; i < data.length; i++) data[i] = rand();
  }
  return { input: new ort.Tensor('float32', data, [batch, ...f.sampleShape]) };
}

export interface OutputComparison {
  name: string;
  referenceDims: number[];
  dims: number[];
  /** 10·log10(signal / noise) of this output against the reference's, dB. */
  sqnrDb: number;
  /** Share of rows with the same arg-max (outputs of shape [N, C]). */
  agreement?: number;
  finite: boolean;
}

async function runAll(path: string, feeds: Record<string, ort.Tensor>): Promise<Map<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(path, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const out = await session.run(feeds);
    return new Map(session.outputNames.map((n) => [n, out[n]]));
  } finally {
    await session.release();
  }
}

function argMaxAgreement(a: Float32Array, b: Float32Array, rows: number): number {
  const cols = a.length / rows;
  let same = 0;
  for (let r = 0; r < rows; r++) {
    let ia = 0;
    let ib = 0;
    for (let c = 1; c < cols; c++) {
      if (a[r * cols + c] > a[r * cols + ia]) ia = c;
      if (b[r * cols + c] > b[r * cols + ib]) ib = c;
    }
    if (ia === ib) same++;
  }
  return same / rows;
}

/** Runs both models in ONNX Runtime on the same feeds and compares every output by name. */
export async function compareWithOriginal(originalPath: string, candidatePath: string, feeds: Record<string, ort.Tensor>): Promise<OutputComparison[]> {
  const ref = await runAll(originalPath, feeds);
  const got = await runAll(candidatePath, feeds);
  return [...ref].map(([name, r]) => {
    const g = got.get(name);
    if (!g) throw new Error(`Output ${name} is missing from the candidate model.`);
    const a = r.data as Float32Array;
    const b = g.data as Float32Array;
    let signal = 0;
    let noise = 0;
    let finite = true;
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!Number.isFinite(b[i])) finite = false;
      signal += a[i] * a[i];
      noise += (a[i] - b[i]) ** 2;
    }
    const dims = g.dims.map(Number);
    const comparison: OutputComparison = { name, referenceDims: r.dims.map(Number), dims, sqnrDb: 10 * Math.log10(signal / noise), finite };
    if (dims.length === 2 && a.length === b.length) comparison.agreement = argMaxAgreement(a, b, dims[0]);
    return comparison;
  });
}

/** Every output is there, with the original's shape and only finite values. */
export function expectShapesKept(cmp: OutputComparison[]): void {
  for (const c of cmp) {
    expect(c.dims, c.name).toEqual(c.referenceDims);
    expect(c.finite, c.name).toBe(true);
  }
}

/** Float32 parameters stored in the model (initializer elements). */
export function floatParams(m: Model): number {
  return m.graph.initializer.filter((t) => t.dataType === 1).reduce((a, t) => a + t.dims.reduce((p, q) => p * Number(q), 1), 0);
}

export function loadModel(path: string): Model {
  return decodeModel(readFileSync(path));
}

export function outputPath(r: NodeResult, port = 'model'): string {
  const v = r.outputs[port];
  if (!v || v.type !== 'model') throw new Error(`No model on output ${port}.`);
  return v.path;
}
