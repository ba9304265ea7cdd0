// The train and distill handlers called alone with a hand-made NodeContext: live per-epoch
// reports, the output model loads and runs in ONNX Runtime, errors carry the node id.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NodeContext } from '../../src/main/engine/handler.ts';
import type { DatasetValue, ModelValue, Params, PortValue } from '../../src/shared/catalog/types.ts';
import { HANDLERS } from '../../src/main/engine/handlers/index.ts';
import { findKind } from '../../src/shared/catalog/index.ts';
import { decodeModel, encodeModel } from '../../src/main/onnx/model.ts';
import { saveModelFile } from '../../src/main/onnx/file.ts';
import { buildMlp } from '../../src/main/onnx/builder/index.ts';
import { createSession, ort } from '../../src/main/runtime/session.ts';
import type { TrainCurveData as CurveData } from '../../src/shared/reports/train.ts';
import { samplesPerSec } from '../../src/main/train/node-run.ts';
import { FIXTURES_DIR, LENET_FIXTURE } from '../fixtures-path.ts';

const LENET = LENET_FIXTURE;
const valueOf = (path: string, label: string): ModelValue => {
  const bytes = readFileSync(path);
  return { type: 'model', path, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length, label };
};
const mnist = (limit: number): DatasetValue => ({ type: 'dataset', source: 'mnist', options: { split: 'train', limit, shuffle: true, seed: 3 }, label: 'MNIST' });

interface Captured { ctx: NodeContext; reports: { kind: string; data: unknown }[] }

function context(kind: string, params: Params, inputs: Record<string, PortValue>): Captured {
  const spec = findKind(kind)!;
  const defaults = Object.fromEntries(Object.entries(spec.params).map(([k, p]) => [k, p.default]));
  const reports: Captured['reports'] = [];
  const ctx: NodeContext = {
    nodeId: `${kind}-node`, params: { ...defaults, ...params }, inputs, documentDir: FIXTURES_DIR, workDir: mkdtempSync(join(tmpdir(), `whittle-${kind}-`)),
    signal: new AbortController().signal, progress: () => {}, log: () => {}, report: (k, _t, data) => { reports.push({ kind: k, data }); },
  };
  return { ctx, reports };
}

async function runs(path: string): Promise<number> {
  const s = await createSession(path);
  const out = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', new Float32Array(2 * 784), [2, 1, 28, 28]) });
  await s.release();
  return out[s.outputNames[0]].dims[1] as number;
}

describe('train and distill nodes', () => {
  it('train reports a curve per epoch and writes a model that runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'whittle-train-in-'));
    const path = join(dir, 'mlp.onnx');
    saveModelFile(buildMlp({ sizes: [784, 32, 10], seed: 1 }), path);
    const { ctx, reports } = context('train', { epochs: 2, batchSize: 32, valFraction: 0.2, shiftPx: 0, lr: 0.003, threads: 1 }, { model: valueOf(path, 'MLP'), dataset: mnist(480) });
    const r = await HANDLERS.train(ctx);
    expect(reports.map((x) => x.kind)).toEqual(['train.curve', 'train.curve']);
    expect((reports[1].data as CurveData).epochs.map((e) => e.epoch)).toEqual([1, 2]);
    const out = r.outputs.model as ModelValue;
    expect(out.sha256).toBe(createHash('sha256').update(readFileSync(out.path)).digest('hex'));
    expect(await runs(out.path)).toBe(10);
    expect(r.metrics.epochs).toBe(2);
    expect([1, 2]).toContain(r.metrics.bestEpoch);
    expect(r.metrics.valAccuracy).toBeGreaterThan(0.3);
    expect(r.reports![0].kind).toBe('train.curve');
    expect(r.metrics.samplesPerSec).toBeGreaterThan(0);
  });

  it('samplesPerSec counts the samples trained, to four significant digits (not rounded to 0 for slow networks)', () => {
    expect(samplesPerSec({ ortMs: 0, totalMs: 3000, steps: 2, samples: 2 })).toBe(0.6667);
    expect(samplesPerSec({ ortMs: 0, totalMs: 1000, steps: 10, samples: 320 })).toBe(320);
    expect(samplesPerSec({ ortMs: 0, totalMs: 0, steps: 0, samples: 0 })).toBe(0);
    expect(findKind('train')!.params.threads.default).toBe(0);
    expect(findKind('distill')!.params.threads).toBeDefined();
  });

  it('distill builds a student from the builder and trains it against the teacher', async () => {
    const { ctx, reports } = context('distill', { studentSource: 'builder', arch: 'mlp', hidden: '32', epochs: 1, batchSize: 32, valFraction: 0 }, { teacher: valueOf(LENET, 'LeNet-5'), dataset: mnist(256) });
    const r = await HANDLERS.distill(ctx);
    expect(reports).toHaveLength(1);
    const student = decodeModel(readFileSync((r.outputs.model as ModelValue).path));
    expect(student.graph.node.map((n) => n.opType)).toContain('Gemm');
    expect(encodeModel(student).length).toBeLessThan(readFileSync(LENET).length);
    expect(await runs((r.outputs.model as ModelValue).path)).toBe(10);
    expect(r.metrics.temperature).toBe(4);
  });

  it('distill makes the student from the teacher by removing channels', async () => {
    const { ctx } = context('distill', { studentSource: 'pruned', channelRatio: 0.5, epochs: 1, batchSize: 32, valFraction: 0 }, { teacher: valueOf(LENET, 'LeNet-5'), dataset: mnist(128) });
    const r = await HANDLERS.distill(ctx);
    const student = decodeModel(readFileSync((r.outputs.model as ModelValue).path));
    const c1 = student.graph.initializer.find((t) => t.name.startsWith('c1.weight'))!;
    expect(Number(c1.dims[0])).toBe(3);
    expect(await runs((r.outputs.model as ModelValue).path)).toBe(10);
    expect((r.outputs.model as ModelValue).label).toMatch(/50% channels · distilled/);
  });

  it('distill refuses a student whose output size differs from the teacher, naming the node', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'whittle-distill-in-'));
    const path = join(dir, 'student.onnx');
    saveModelFile(buildMlp({ sizes: [784, 16, 4], seed: 1 }), path);
    const { ctx } = context('distill', { studentSource: 'input', epochs: 1 }, { teacher: valueOf(LENET, 'LeNet-5'), student: valueOf(path, 'MLP'), dataset: mnist(64) });
    await expect(HANDLERS.distill(ctx)).rejects.toMatchObject({ code: 'train.teacher-mismatch', nodeId: 'distill-node' });
  });
});
