// Loss values computed by the training graph in ONNX Runtime against the formulas in JS:
// cross-entropy, Hinton KD (alpha * T^2 * KL + (1 - alpha) * CE), MSE, feature MSE with projection.
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/main/onnx/model.ts';
import { buildMlp } from '../../src/main/onnx/builder/index.ts';
import { createSession, ort } from '../../src/main/runtime/session.ts';
import { seededRandom } from '../../src/main/data/dataset.ts';
import { buildTrainGraph, type TrainGraph } from '../../src/main/train/training-graph.ts';
import type { FeatureTerm, LossSpec } from '../../src/main/train/losses.ts';

const N = 4;
const C = 10;
const rand = seededRandom(11);
const x = Float32Array.from({ length: N * 784 }, () => rand());
const teacher = Float32Array.from({ length: N * C }, () => 3 * (rand() - 0.5));
const labels = [3, 0, 9, 3];
const onehot = Float32Array.from({ length: N * C }, (_, i) => (labels[Math.floor(i / C)] === i % C ? 1 : 0));

async function run(loss: LossSpec, features: FeatureTerm[] = [], featureFeed?: Float32Array): Promise<{ tg: TrainGraph; out: ort.InferenceSession.ReturnType }> {
  const model = buildMlp({ sizes: [784, 12, C], seed: 2 });
  const tg = await buildTrainGraph(model, { batchSize: N, loss, features, output: 'logits' });
  const s = await createSession(encodeModel(tg.model));
  const feeds: Record<string, ort.Tensor> = { [tg.dataInput]: new ort.Tensor('float32', x, [N, 1, 28, 28]) };
  if (tg.labelInput) feeds[tg.labelInput] = new ort.Tensor('float32', onehot, [N, C]);
  if (tg.teacherInput) feeds[tg.teacherInput] = new ort.Tensor('float32', teacher, [N, C]);
  if (featureFeed) feeds[tg.featureInputs[0]] = new ort.Tensor('float32', featureFeed, features[0].teacherDims);
  for (const p of tg.params) feeds[p.name] = new ort.Tensor('float32', p.values, p.dims);
  const out = await s.run(feeds);
  await s.release();
  return { tg, out };
}

function logSoftmax(row: number[]): number[] {
  const m = Math.max(...row);
  const lse = Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)) + m;
  return row.map((v) => v - lse);
}

const rows = (a: Float32Array) => Array.from({ length: N }, (_, i) => Array.from(a.subarray(i * C, (i + 1) * C)));

describe('losses', () => {
  it('cross-entropy = mean of -log softmax at the label', async () => {
    const { tg, out } = await run({ kind: 'cross-entropy' });
    const logits = rows(out[tg.logitsOutput].data as Float32Array);
    const expected = logits.reduce((a, r, i) => a - logSoftmax(r)[labels[i]], 0) / N;
    expect((out[tg.lossOutput].data as Float32Array)[0]).toBeCloseTo(expected, 5);
  });

  it('distillation = alpha * T^2 * KL(teacher || student) + (1 - alpha) * CE', async () => {
    const T = 3;
    const alpha = 0.7;
    const { tg, out } = await run({ kind: 'distill', temperature: T, alpha });
    const s = rows(out[tg.logitsOutput].data as Float32Array);
    const t = rows(teacher);
    let kl = 0;
    let ce = 0;
    for (let i = 0; i < N; i++) {
      const lq = logSoftmax(s[i].map((v) => v / T));
      const lp = logSoftmax(t[i].map((v) => v / T));
      kl += lp.reduce((a, v, j) => a + Math.exp(v) * (v - lq[j]), 0);
      ce -= logSoftmax(s[i])[labels[i]];
    }
    const expected = (alpha * T * T * kl) / N + ((1 - alpha) * ce) / N;
    expect((out[tg.lossOutput].data as Float32Array)[0]).toBeCloseTo(expected, 4);
  });

  it('distillation with alpha = 1 needs no labels; MSE on logits compares with the teacher', async () => {
    const kd = await run({ kind: 'distill', temperature: 2, alpha: 1 });
    expect(kd.tg.labelInput).toBeUndefined();
    const { tg, out } = await run({ kind: 'mse-logits' });
    const s = out[tg.logitsOutput].data as Float32Array;
    const expected = s.reduce((a, v, i) => a + (v - teacher[i]) ** 2, 0) / s.length;
    expect((out[tg.lossOutput].data as Float32Array)[0]).toBeCloseTo(expected, 4);
  });

  it('feature MSE learns a projection when the widths differ', async () => {
    const hidden = 'fc1.out';
    const target = Float32Array.from({ length: N * 20 }, () => rand());
    const { tg, out } = await run({ kind: 'mse-logits' }, [{ student: hidden, teacherDims: [N, 20], weight: 0.5 }], target);
    const proj = tg.params.find((p) => p.lossOnly)!;
    expect(proj.dims).toEqual([12, 20]);
    expect(out[proj.gradOutput].data.length).toBe(240);
    const w = tg.params.find((p) => p.name === 'fc1.weight')!;
    const b = tg.params.find((p) => p.name === 'fc1.bias')!.values;
    const at = (j: number, k: number) => (w.dims[0] === 12 ? w.values[j * 784 + k] : w.values[k * 12 + j]);
    let featureSq = 0;
    for (let i = 0; i < N; i++) {
      const h = Array.from({ length: 12 }, (_, j) => b[j] + Array.from({ length: 784 }, (_, k) => x[i * 784 + k] * at(j, k)).reduce((a, v) => a + v, 0));
      for (let c = 0; c < 20; c++) featureSq += (h.reduce((a, v, j) => a + v * proj.values[j * 20 + c], 0) - target[i * 20 + c]) ** 2;
    }
    const logits = out[tg.logitsOutput].data as Float32Array;
    const logitSq = logits.reduce((a, v, i) => a + (v - teacher[i]) ** 2, 0);
    expect((out[tg.lossOutput].data as Float32Array)[0]).toBeCloseTo(logitSq / (N * C) + (0.5 * featureSq) / (N * 20), 4);
  });

  it('the cross-entropy and distillation gradients match finite differences of the loss', async () => {
    for (const loss of [{ kind: 'cross-entropy' }, { kind: 'distill', temperature: 2, alpha: 0.5 }] as LossSpec[]) {
      const model = buildMlp({ sizes: [784, 12, C], seed: 2 });
      const tg = await buildTrainGraph(model, { batchSize: N, loss, output: 'logits' });
      const s = await createSession(encodeModel(tg.model), { optimization: 'disabled' });
      const feeds: Record<string, ort.Tensor> = { [tg.dataInput]: new ort.Tensor('float32', x, [N, 1, 28, 28]) };
      if (tg.labelInput) feeds[tg.labelInput] = new ort.Tensor('float32', onehot, [N, C]);
      if (tg.teacherInput) feeds[tg.teacherInput] = new ort.Tensor('float32', teacher, [N, C]);
      for (const p of tg.params) feeds[p.name] = new ort.Tensor('float32', p.values.slice(), p.dims);
      const out = await s.run(feeds);
      for (const p of tg.params) {
        const g = out[p.gradOutput].data as Float32Array;
        const w = feeds[p.name].data as Float32Array;
        for (const i of [0, Math.floor(w.length / 2), w.length - 1]) {
          const keep = w[i];
          const h = 1e-2;
          w[i] = keep + h;
          const up = ((await s.run(feeds, [tg.lossOutput]))[tg.lossOutput].data as Float32Array)[0];
          w[i] = keep - h;
          const down = ((await s.run(feeds, [tg.lossOutput]))[tg.lossOutput].data as Float32Array)[0];
          w[i] = keep;
          expect(Math.abs((up - down) / (2 * h) - g[i])).toBeLessThan(5e-3 * (Math.abs(g[i]) + 0.05));
        }
      }
      await s.release();
    }
  });
});
