// The train and distill nodes on the four architecture fixtures, at the smallest size that
// still proves something: two epochs of one step each on the same two samples (labelled
// random images shaped for the model, or MNIST digits for the ViT). The loss moves, weights
// change, and the written model runs in ONNX Runtime with the original's output shapes. The
// detector has no class logits: the train node refuses it by name; it trains by distillation.
import { describe, expect, it } from 'vitest';
import type { TrainCurveData } from '../../src/shared/reports/train.ts';
import type { NodeResult, Params } from '../../src/shared/catalog/types.ts';
import { tensorToFloat32 } from '../../src/main/onnx/tensor.ts';
import { WhittleError } from '../../src/shared/errors.ts';
import { compareWithOriginal, expectShapesKept, datasetFor, feedsFor, FIXTURES, fixtureValue, floatParams, loadModel, outputPath, runNode, type ArchFixture } from './matrix.ts';

const SHORT = { epochs: 2, batchSize: 2, valFraction: 0, shiftPx: 0, schedule: 'constant', threads: 1, seed: 1 };

function curve(r: NodeResult): TrainCurveData {
  return r.reports!.find((x) => x.kind === 'train.curve')!.data as TrainCurveData;
}

async function expectRunsLikeOriginal(f: ArchFixture, out: string): Promise<void> {
  expectShapesKept(await compareWithOriginal(fixtureValue(f).path, out, feedsFor(f, 2)));
}

/** Float initializers whose values differ between two models (by name, same size). */
function changedTensors(beforePath: string, afterPath: string): number {
  const before = new Map(loadModel(beforePath).graph.initializer.filter((t) => t.dataType === 1).map((t) => [t.name, tensorToFloat32(t)]));
  return loadModel(afterPath).graph.initializer.filter((t) => {
    const b = before.get(t.name);
    if (!b || t.dataType !== 1) return false;
    const a = tensorToFloat32(t);
    return a.length === b.length && a.some((v, i) => v !== b[i]);
  }).length;
}

describe.each(FIXTURES)('train and distill on $label', (f) => {
  const teacher = fixtureValue(f);

  if (f.classes === undefined) it('train: a detector is refused by name (no class logits for cross-entropy), pointing to distillation', async () => {
    const err = await runNode('train', SHORT, { model: teacher, dataset: datasetFor(f, 2, { labels: true }) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WhittleError);
    expect(err).toMatchObject({ code: 'train.not-class-logits', nodeId: 'train-node' });
    expect((err as WhittleError).message).toContain("'p3' has shape [N, 144, 40, 40]");
    expect((err as WhittleError).hint).toContain('Distill');
  });

  else it('train: two real steps, the loss on the same batch moves, the model runs in ORT', async () => {
    const r = await runNode('train', { ...SHORT, lr: f.mnist ? 1e-4 : 1e-3 }, { model: teacher, dataset: datasetFor(f, 2, { labels: true, split: 'train' }) });
    const c = curve(r);
    expect(c.epochs).toHaveLength(2);
    const [a, b] = c.epochs.map((e) => e.trainLoss);
    expect(Number.isFinite(a) && Number.isFinite(b)).toBe(true);
    expect(b).not.toBe(a);
    expect(changedTensors(teacher.path, outputPath(r))).toBeGreaterThan(0);
    await expectRunsLikeOriginal(f, outputPath(r));
  }, 300_000);

  it('distill: a student made from the teacher (channels removed) takes teacher-to-student steps', async () => {
    const loss: Params = f.classes ? { outputLoss: 'kl', alpha: 1 } : { outputLoss: 'mse' };
    const r = await runNode('distill', { ...SHORT, lr: 1e-3, studentSource: 'pruned', channelRatio: 0.5, ...loss }, { teacher, dataset: datasetFor(f, 2, { labels: true, split: 'train' }) });
    const c = curve(r);
    expect(c.epochs).toHaveLength(2);
    const [a, b] = c.epochs.map((e) => e.trainLoss);
    expect(Number.isFinite(a) && Number.isFinite(b)).toBe(true);
    expect(b).not.toBe(a);
    expect(r.metrics.studentSource).toBe('pruned');
    const student = outputPath(r);
    expect(floatParams(loadModel(student))).toBeLessThan(floatParams(loadModel(teacher.path)));
    await expectRunsLikeOriginal(f, student);
  }, 300_000);
});
