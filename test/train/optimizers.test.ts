// Optimizer updates, schedules, clipping and augmentation against hand computations.
import { describe, expect, it } from 'vitest';
import { Optimizer, clipGlobalNorm, learningRate, type OptimizerSpec } from '../../src/main/train/optimizers.ts';
import { appendOptimizer, optimizerScalars } from '../../src/main/train/optimizer-graph.ts';
import { buildTrainGraph } from '../../src/main/train/training-graph.ts';
import { buildMlp } from '../../src/main/onnx/builder/index.ts';
import { encodeModel } from '../../src/main/onnx/model.ts';
import { createSession, ort } from '../../src/main/runtime/session.ts';
import { seededRandom } from '../../src/main/data/dataset.ts';
import { augmentImages } from '../../src/main/train/augment.ts';

describe('optimizers', () => {
  it('SGD with momentum follows v = mu*v + g; w -= lr*v', () => {
    const w = Float32Array.from([1, -2]);
    const opt = new Optimizer({ kind: 'sgd', lr: 0.1, momentum: 0.9 }, [2]);
    opt.step([w], [Float32Array.from([0.5, 1])], 0.1);
    expect(Array.from(w)).toEqual([1 - 0.05, -2 - 0.1].map(Math.fround));
    opt.step([w], [Float32Array.from([0.5, 1])], 0.1);
    // v = 0.9*0.5 + 0.5 = 0.95, 0.9*1 + 1 = 1.9
    expect(w[0]).toBeCloseTo(0.95 - 0.095, 6);
    expect(w[1]).toBeCloseTo(-2.1 - 0.19, 6);
  });

  it('Nesterov uses g + mu*v, and weight decay adds wd*w to the gradient', () => {
    const w = Float32Array.from([2]);
    const opt = new Optimizer({ kind: 'sgd', lr: 0.1, momentum: 0.5, nesterov: true, weightDecay: 0.1 }, [1]);
    opt.step([w], [Float32Array.from([1])], 0.1);
    // g = 1 + 0.2 = 1.2; v = 1.2; update = 1.2 + 0.5*1.2 = 1.8
    expect(w[0]).toBeCloseTo(2 - 0.18, 6);
  });

  it('Adam first step moves each weight by lr*sign(g); AdamW decays weights apart from the gradient', () => {
    const w = Float32Array.from([1, 1]);
    new Optimizer({ kind: 'adam', lr: 0.01 }, [2]).step([w], [Float32Array.from([3, -0.2])], 0.01);
    expect(w[0]).toBeCloseTo(0.99, 5);
    expect(w[1]).toBeCloseTo(1.01, 5);
    const v = Float32Array.from([1]);
    new Optimizer({ kind: 'adamw', lr: 0.01, weightDecay: 0.5 }, [1]).step([v], [Float32Array.from([2])], 0.01);
    expect(v[0]).toBeCloseTo(1 - 0.005 - 0.01, 5);
  });

  it('schedules: linear warm-up, cosine to the floor, step decay', () => {
    expect(learningRate(1, { kind: 'cosine', warmupSteps: 10 }, 4, 110)).toBeCloseTo(0.5);
    expect(learningRate(1, { kind: 'cosine', warmupSteps: 10 }, 10, 110)).toBeCloseTo(1);
    expect(learningRate(1, { kind: 'cosine', warmupSteps: 10 }, 60, 110)).toBeCloseTo(0.5);
    expect(learningRate(1, { kind: 'cosine', minLr: 0.1 }, 100, 100)).toBeCloseTo(0.1);
    expect(learningRate(1, { kind: 'step', stepSize: 10, gamma: 0.5 }, 25, 100)).toBeCloseTo(0.25);
    expect(learningRate(0.3, { kind: 'constant' }, 50, 100)).toBe(0.3);
  });

  it('clips the global norm across tensors', () => {
    const a = Float32Array.from([3, 0]);
    const b = Float32Array.from([4]);
    expect(clipGlobalNorm([a, b], 1)).toBeCloseTo(5);
    expect(a[0]).toBeCloseTo(0.6, 5);
    expect(b[0]).toBeCloseTo(0.8, 5);
  });

  it('refuses a learning rate that is not a positive number', () => {
    expect(() => new Optimizer({ kind: 'adam', lr: 0 }, [1])).toThrow(/learning rate/);
  });
});

describe('augmentation', () => {
  it('shifts with zero fill and flips left-right', () => {
    const src = Float32Array.from({ length: 9 }, (_, i) => i + 1); // 3x3: 1..9
    const dst = new Float32Array(9);
    const seq = [0.99, 0.0]; // dy = +1, dx = -1 with shift 1
    let k = 0;
    augmentImages(src, dst, 1, [1, 3, 3], { shiftPx: 1 }, () => seq[k++]);
    expect(Array.from(dst)).toEqual([0, 0, 0, 2, 3, 0, 5, 6, 0]);
    augmentImages(src, dst, 1, [1, 3, 3], { flip: true }, () => 0.1);
    expect(Array.from(dst)).toEqual([3, 2, 1, 6, 5, 4, 9, 8, 7]);
  });
});

describe('in-graph optimizer update', () => {
  const specs: OptimizerSpec[] = [
    { kind: 'sgd', lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01 },
    { kind: 'sgd', lr: 0.1 },
    { kind: 'adam', lr: 0.01, weightDecay: 0.01 },
    { kind: 'adamw', lr: 0.01, weightDecay: 0.1 },
  ];
  it.each(specs.map((s) => [`${s.kind}${s.momentum ? ' momentum' : ''}`, s] as const))('%s matches the typed-array reference over three steps, with a mask and clipping', async (_n, spec) => {
    const model = buildMlp({ sizes: [6, 5, 3], seed: 4 });
    const tg = await buildTrainGraph(model, { batchSize: 4, loss: { kind: 'cross-entropy' } });
    const mask = Uint8Array.from({ length: 30 }, (_, i) => (i % 3 ? 1 : 0));
    const masks = new Map([['fc1.weight', mask]]);
    const slots = appendOptimizer(tg, spec, masks, 0.5);
    const session = await createSession(encodeModel(tg.model), { optimization: 'disabled' });
    const rand = seededRandom(5);
    const feeds: Record<string, ort.Tensor> = {
      input: new ort.Tensor('float32', Float32Array.from({ length: 24 }, () => rand()), [4, 6]),
      [tg.labelInput!]: new ort.Tensor('float32', Float32Array.from({ length: 12 }, (_, i) => (i % 3 === (i >> 2) % 3 ? 1 : 0)), [4, 3]),
    };
    const ref = tg.params.map((p) => p.values.slice());
    ref[tg.params.findIndex((p) => p.name === 'fc1.weight')].forEach((_, i, a) => { if (!mask[i]) a[i] = 0; });
    tg.params.forEach((p, k) => { feeds[p.name] = new ort.Tensor('float32', ref[k].slice(), p.dims); });
    for (const s of slots.state) feeds[s.input] = new ort.Tensor('float32', new Float32Array(s.dims.reduce((a, b) => a * b, 1)), s.dims);
    const opt = new Optimizer(spec, ref.map((r) => r.length));
    for (let t = 1; t <= 3; t++) {
      for (const [name, v] of Object.entries(optimizerScalars(spec, t, spec.lr))) feeds[name] = new ort.Tensor('float32', Float32Array.of(v), []);
      const out = await session.run(feeds);
      const grads = tg.params.map((p) => (out[p.gradOutput].data as Float32Array).slice());
      grads[tg.params.findIndex((p) => p.name === 'fc1.weight')].forEach((_, i, a) => { if (!mask[i]) a[i] = 0; });
      clipGlobalNorm(grads, 0.5);
      opt.step(ref, grads, spec.lr);
      tg.params.forEach((p, k) => {
        const got = out[slots.next.get(p.name)!].data as Float32Array;
        for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(ref[k][i], 5);
        feeds[p.name] = out[slots.next.get(p.name)!];
      });
      for (const s of slots.state) feeds[s.input] = out[s.output];
    }
    const w = feeds['fc1.weight'].data as Float32Array;
    expect(Array.from(mask).every((m, i) => m || w[i] === 0)).toBe(true);
    await session.release();
  });
});
