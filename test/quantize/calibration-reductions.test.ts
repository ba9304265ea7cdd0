// Calibration reduces inside ONNX Runtime (per-sample min/max on the blocked layout) and bins
// values from reused buffers; these tests check that what comes out equals a direct computation
// over every value, read from a plain ORT session, on small conv and Gemm models.
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/main/onnx/builder/index.ts';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeModel, encodeModel, type Model } from '../../src/main/onnx/model.ts';
import { nchwcBlockSize } from '../../src/main/runtime/nchwc.ts';
import { calibrationSession, readBlockedValues } from '../../src/main/passes/quantize/blocked-reductions.ts';
import { makeNode, makeValueInfo } from '../../src/main/onnx/graph.ts';
import { DataType, onnx } from '../../src/main/onnx/proto.ts';
import { createSession, ort } from '../../src/main/runtime/session.ts';
import type { Dataset } from '../../src/main/data/dataset.ts';
import { collectStats } from '../../src/main/passes/quantize/collect.ts';
import { TensorStats } from '../../src/main/passes/quantize/calibrate.ts';
import { withExtraOutputs } from '../../src/main/passes/quantize/probe.ts';
import { calibrateModel } from '../../src/main/passes/quantize/static.ts';
import { siluRange, withRangeOutputs } from '../../src/main/passes/quantize/calibration-graph.ts';
import { activationParams } from '../../src/main/passes/quantize/params.ts';
import { calibrationTensors, convCalibrationNet as convNet, siluDerived, synthetic } from './helpers.ts';
import { fixtureModel } from '../fixtures-path.ts';

/**
 * Squeeze-excite gates (a * sigmoid(conv(GAP(a))), one gate per channel) on 12, 24 and 16
 * channels (blocked layout: multiples of 8 and 16, of 8 only, of neither), over a SiLU output
 * (both signs), a ReLU output (>= 0) and a negated ReLU (<= 0).
 */
function seNet(): Model {
  const b = new GraphBuilder(5);
  const excite = (a: string, channels: number, tag: string): string => {
    const [squeezed] = b.conv(b.globalAveragePool(a), [channels, 1, 1], { outChannels: 4, kernel: 1 });
    const [expanded] = b.conv(b.relu(squeezed), [4, 1, 1], { outChannels: channels, kernel: 1 });
    return b.op('Mul', [a, b.op('Sigmoid', [expanded], [`${tag}.gate`])], [`${tag}.scaled`]);
  };
  let [x, shape] = b.conv('input', [3, 10, 10], { outChannels: 12, kernel: 3, pad: 1 });
  x = excite(b.op('Mul', [x, b.op('Sigmoid', [x], ['silu12.sig'])], ['silu12.out']), 12, 'mixed12');
  [x, shape] = b.conv(x, shape, { outChannels: 24, kernel: 3, stride: 2, pad: 1 });
  x = excite(b.relu(x), 24, 'positive24');
  [x, shape] = b.conv(x, shape, { outChannels: 16, kernel: 1 });
  x = excite(b.op('Neg', [b.relu(x)], ['negated16']), 16, 'negative16');
  b.gemm(b.flatten(b.globalAveragePool(x)), 16, 10, 'fc');
  return b.finish([3, 10, 10], 10, 'squeeze-excite calibration test net', 'test');
}

/** input [N, 8] -> Gemm -> Gemm: values of rank 2, reduced per row. */
function mlp(): Model {
  const b = new GraphBuilder(4);
  b.gemm(b.relu(b.gemm('input', 8, 16, 'fc1')), 16, 4, 'fc2');
  return b.finish([8], 4, 'mlp', 'test');
}

/** Every float value of `model`, computed directly by ONNX Runtime, one sample per run. */
async function directValues(model: Model, names: string[], ds: Dataset): Promise<Map<string, Float32Array[]>> {
  const session = await createSession(encodeModel(withExtraOutputs(model, names)), { optimization: 'all' });
  const per = ds.inputs.length / ds.size;
  const values = new Map<string, Float32Array[]>(names.map((n) => [n, []]));
  for (let s = 0; s < ds.size; s++) {
    const out = await session.run({ input: new ort.Tensor('float32', ds.inputs.slice(s * per, (s + 1) * per), [1, ...ds.sampleShape]) }, names);
    for (const n of names) values.get(n)!.push(Float32Array.from(out[n].data as Float32Array));
  }
  await session.release();
  return values;
}


/**
 * A SiLU output's minimum is exact, or, where its input's range spans SiLU's own minimum (-0.2785
 * at -1.278), that minimum less 1e-6: a bound below every value, within 2e-6 of the lowest.
 */
function expectSiluMinimum(got: number, want: number): void {
  if (got === want) return;
  expect(got).toBeLessThan(want);
  expect(got).toBeCloseTo(-0.2784645 - 1e-6, 6);
  expect(want - got).toBeLessThan(2e-6);
}

/**
 * A SiLU output's range end: siluRange computes it from its input's range, a bound on the values
 * (`got` on the far side of `want`) within 1e-6 of it plus 2.4e-7 of the input's end.
 */
function expectSiluEnd(got: number, want: number, side: 'min' | 'max', name: string): void {
  if (side === 'max') expect(got, name).toBeGreaterThanOrEqual(want);
  else expect(got, name).toBeLessThanOrEqual(want);
  expect(Math.abs(got - want), name).toBeLessThan(1e-5 * Math.max(1, Math.abs(want)));
}

/** Conv to 16 channels, SiLU, a squeeze-excite gate on the SiLU: the depthwise stage of an MBConv block (its SiLU output is reduced per channel). */
function gatedSiluNet(): Model {
  const b = new GraphBuilder(21);
  const [x, shape] = b.conv('input', [3, 10, 10], { outChannels: 16, kernel: 3, pad: 1 });
  const a = b.op('Mul', [x, b.op('Sigmoid', [x], ['silu16.sig'])], ['silu16.out']);
  const [squeezed] = b.conv(b.globalAveragePool(a), [16, 1, 1], { outChannels: 4, kernel: 1 });
  const [expanded] = b.conv(b.relu(squeezed), [4, 1, 1], { outChannels: 16, kernel: 1 });
  const scaled = b.op('Mul', [a, b.op('Sigmoid', [expanded], ['gate16'])], ['scaled16']);
  const [y] = b.conv(scaled, shape, { outChannels: 16, kernel: 1 });
  b.gemm(b.flatten(b.globalAveragePool(y)), 16, 4, 'fc');
  return b.finish([3, 10, 10], 4, 'gated SiLU net', 'test');
}

function extremes(chunks: Float32Array[]): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const c of chunks) for (const v of c) { min = Math.min(min, v); max = Math.max(max, v); }
  return { min, max };
}

describe('calibration reductions inside ONNX Runtime', () => {
  for (const [label, build, shape] of [['conv net', convNet, [3, 12, 12]], ['squeeze-excite net', seNet, [3, 10, 10]], ['gated SiLU net', gatedSiluNet, [3, 10, 10]], ['Gemm net', mlp, [8]]] as const) {
    it(`${label}: MinMax ranges equal the min and max over every value`, async () => {
      const { normalized, names, types } = await calibrationTensors(build());
      const ds = synthetic(20, [...shape], 5);
      const direct = await directValues(normalized, names, ds);
      const { stats, valueBatches } = await collectStats(normalized, ['input', ...names], types, ds, { samples: 20, batchSize: 8, histograms: false }, {});
      // Every batch's ranges came from the reductions inside ORT, none from the values.
      expect(valueBatches).toBe(0);
      const silu = siluDerived(normalized, names, types);
      for (const name of names) {
        const want = extremes(direct.get(name)!);
        const got = stats.get(name)!;
        if (silu.has(name)) expectSiluEnd(got.max, want.max, 'max', name);
        else expect(got.max, name).toBe(want.max);
        // ReLU/Clip outputs are >= 0 by construction and only their max is reduced: min reads 0.
        if (want.min >= 0 && got.min === 0) expect(activationParams(got.min, got.max, 'uint8', false)).toEqual(activationParams(want.min, want.max, 'uint8', false));
        else if (silu.has(name)) expectSiluMinimum(got.min, want.min);
        else expect(got.min, name).toBe(want.min);
      }
    });

    it(`${label}: histograms equal one built sample by sample from the values`, async () => {
      const { normalized, names, types } = await calibrationTensors(build());
      const ds = synthetic(12, [...shape], 6);
      const direct = await directValues(normalized, names, ds);
      const { stats } = await collectStats(normalized, ['input', ...names], types, ds, { samples: 12, batchSize: 5, histograms: true }, {});
      for (const name of names) {
        const want = new TensorStats(true);
        for (const sample of direct.get(name)!) want.update(sample);
        const got = stats.get(name)!;
        expect(got.histMax, name).toBe(want.histMax);
        expect(got.count, name).toBe(want.count);
        expect(Array.from(got.hist!), name).toEqual(Array.from(want.hist!));
        expect(got.max, name).toBe(want.max);
        if (got.min !== 0) expect(got.min, name).toBe(want.min);
      }
    });
  }

  it('the histogram does not depend on the batch size', async () => {
    const { normalized, names, types } = await calibrationTensors(convNet());
    const ds = synthetic(9, [3, 12, 12], 8);
    const a = await collectStats(normalized, names, types, ds, { samples: 9, batchSize: 2, histograms: true }, {});
    const b = await collectStats(normalized, names, types, ds, { samples: 9, batchSize: 9, histograms: true }, {});
    for (const name of names) expect(Array.from(a.stats.get(name)!.hist!), name).toEqual(Array.from(b.stats.get(name)!.hist!));
  });

  it('a fixed-batch model: the padding of the last batch stays out of the statistics', async () => {
    const model = convNet();
    model.graph.input[0] = makeValueInfo('input', DataType.FLOAT, [4, 3, 12, 12]);
    const { normalized, names, types } = await calibrationTensors(model);
    const ds = synthetic(6, [3, 12, 12], 2);
    const free = await calibrationTensors(convNet());
    const direct = await directValues(free.normalized, names, ds);
    const silu = siluDerived(normalized, names, types);
    for (const histograms of [false, true]) {
      const { stats, batchSize } = await collectStats(normalized, names, types, ds, { samples: 6, histograms }, {});
      expect(batchSize).toBe(4);
      for (const name of names) {
        if (silu.has(name) && !histograms) expectSiluEnd(stats.get(name)!.max, extremes(direct.get(name)!).max, 'max', name);
        else expect(stats.get(name)!.max, name).toBe(extremes(direct.get(name)!).max);
        if (histograms) expect(stats.get(name)!.count, name).toBe(direct.get(name)!.reduce((acc, c) => acc + c.length, 0));
      }
    }
  });

  it('every method picks the same ranges whatever the batch size; MinMax maxima are the direct ones', async () => {
    const model = convNet();
    const { normalized, names } = await calibrationTensors(model);
    const ds = synthetic(16, [3, 12, 12], 4);
    const direct = await directValues(normalized, names, ds);
    for (const method of ['minmax', 'percentile', 'entropy', 'mse'] as const) {
      const cal = await calibrateModel(model, ds, { method, calibrationSamples: 16, batchSize: 6 }, {});
      const reference = await calibrateModel(model, ds, { method, calibrationSamples: 16, batchSize: 16 }, {});
      const silu = siluDerived(normalized, names, cal.types);
      for (const [name, range] of cal.ranges) {
        expect(range, `${method} ${name}`).toEqual(reference.ranges.get(name));
        if (method === 'minmax' && direct.has(name) && silu.has(name)) expectSiluEnd(range.max, extremes(direct.get(name)!).max, 'max', name);
        else if (method === 'minmax' && direct.has(name)) expect(range.max).toBe(extremes(direct.get(name)!).max);
      }
    }
  });

  it('a SiLU output is not read again: its range is SiLU at the ends of its input\'s range, a bound within 1e-6 of its own where that range stays on one side of the minimum', async () => {
    // SiLU over conv + 3 (all values right of the minimum), conv - 9 (all left of it) and the conv itself (both sides).
    const b = new GraphBuilder(12);
    const [c] = b.conv('input', [3, 8, 8], { outChannels: 16, kernel: 3, pad: 1 });
    const shifted = (by: number, tag: string): string => b.op('Add', [c, b.addInitializer(`${tag}.by`, [], [by])], [`${tag}.x`]);
    const silu = (x: string, tag: string): string => b.op('Mul', [x, b.op('Sigmoid', [x], [`${tag}.sig`])], [`${tag}.out`]);
    const sum = b.add(b.add(silu(shifted(3, 'right'), 'right'), silu(shifted(-9, 'left'), 'left')), silu(c, 'both'));
    b.gemm(b.flatten(b.globalAveragePool(sum)), 16, 4, 'fc');
    const { normalized, names, types } = await calibrationTensors(b.finish([3, 8, 8], 4, 'silu net', 'test'));
    const graph = withRangeOutputs(normalized, names, types);
    const added = graph.model.graph.node.slice(normalized.graph.node.length);
    const ds = synthetic(10, [3, 8, 8], 3);
    const direct = await directValues(normalized, names, ds);
    const { stats } = await collectStats(normalized, names, types, ds, { samples: 10, batchSize: 4, histograms: false }, {});
    for (const tag of ['right', 'left', 'both']) {
      expect(added.filter((n) => n.input.includes(`${tag}.out`)), tag).toEqual([]);
      const want = extremes(direct.get(`${tag}.out`)!);
      const got = stats.get(`${tag}.out`)!;
      expectSiluEnd(got.max, want.max, 'max', tag);
      if (tag === 'both') expectSiluMinimum(got.min, want.min);
      else expectSiluEnd(got.min, want.min, 'min', tag);
    }
    // No node of their own: the graph is the model, its reductions and the checks.
    expect(added.filter((n) => ['Sigmoid', 'Mul', 'Max', 'Min', 'Sub'].includes(n.opType)).map((n) => n.opType).sort()).toEqual(['Sigmoid', 'Sigmoid', 'Sigmoid']);
    expect(extremes(direct.get('right.x')!).min).toBeGreaterThan(-1.278);
    expect(extremes(direct.get('left.x')!).max).toBeLessThan(-1.278);
  });

  it('siluRange bounds ONNX Runtime\'s own SiLU of every value it is given (MLAS computes the logistic approximately)', async () => {
    const xs: number[] = [];
    for (let i = 0; i <= 1 << 18; i++) xs.push(-20 + (40 * i) / (1 << 18));
    for (let k = -30; k <= 30; k += 0.01) xs.push(Math.exp(k), -Math.exp(k));
    for (let k = 30; k <= 88; k += 0.5) xs.push(-Math.exp(k));
    const x = Float32Array.from(xs);
    const graph = onnx.GraphProto.create({
      name: 'silu', node: [makeNode('Sigmoid', ['x'], ['s']), makeNode('Mul', ['x', 's'], ['y'])],
      input: [makeValueInfo('x', DataType.FLOAT, [x.length])], output: [makeValueInfo('y', DataType.FLOAT, [x.length])],
    });
    const session = await createSession(encodeModel(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph }) as Model), { optimization: 'all' });
    const y = (await session.run({ x: new ort.Tensor('float32', x, [x.length]) })).y.data as Float32Array;
    await session.release();
    let outside = 0;
    let loose = 0;
    for (let i = 0; i < x.length; i++) {
      const { min, max } = siluRange(x[i], x[i]);
      if (!(min <= y[i] && y[i] <= max)) outside++;
      // And tight: within 2^-19 of the value plus 2^-21 of |x| (twice siluBound's margin) either side.
      const slack = Math.abs(y[i]) * 2 ** -19 + Math.abs(x[i]) * 2 ** -21;
      if (max - y[i] > slack || y[i] - min > slack) loose++;
    }
    expect(outside).toBe(0);
    expect(loose).toBe(0);
    // ORT's SiLU keeps x's sign, so a huge negative end bounds the maximum by 0, not by 2^-22 of itself.
    expect(siluRange(-1e30, 0.5).max).toBeCloseTo(0.5 / (1 + Math.exp(-0.5)), 6);
    expect(siluRange(-1e30, -20).max).toBe(0);
    expect(siluRange(Number.NaN, 1).max).toBeNaN();
  });

  it('reductions read values in ORT\'s blocked layout: its copies back to NCHW are dropped where whole channel blocks allow', async () => {
    const block = await nchwcBlockSize();
    expect(block).toBeGreaterThanOrEqual(8);
    const { normalized, names, types } = await calibrationTensors(convNet());
    const graph = withRangeOutputs(normalized, names, types);
    const dir = mkdtempSync(join(tmpdir(), 'whittle-test-'));
    try {
      const path = join(dir, 'optimized.onnx');
      await (await createSession(encodeModel(graph.model), { optimization: 'all', optimizedModelPath: path })).release();
      const runs = decodeModel(readFileSync(path));
      const copies = (m: Model) => m.graph.node.filter((n) => n.opType === 'ReorderOutput').length;
      const before = copies(runs);
      const dropped = readBlockedValues(runs, graph.perSample, block);
      // The 16- and 32-channel conv outputs fill whole blocks on AVX2 (8) and AVX-512 (16) alike.
      expect(dropped).toBeGreaterThanOrEqual(2);
      expect(copies(runs)).toBe(before - dropped);
      // What the rewired reductions read is the blocked value, and they give the ranges of the values (first test).
      const session = await createSession(encodeModel(runs), { optimization: 'basic' });
      const ds = synthetic(3, [3, 12, 12], 1);
      const out = await session.run({ input: new ort.Tensor('float32', ds.inputs, [3, 3, 12, 12]) });
      await session.release();
      const direct = await directValues(normalized, names, ds);
      let checked = 0;
      for (const r of graph.ranges) {
        for (const [output, end] of [[r.max, 'max'], [r.min, 'min']] as const) {
          // A SiLU's range outputs are its input's (siluRange): checked as that value's.
          if (!output || !graph.perSample.has(output) || r.of) continue;
          expect(Array.from(out[output].data as Float32Array), `${r.tensor} ${end}`).toEqual(direct.get(r.tensor)!.map((v) => extremes([v])[end]));
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(dropped);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the calibration session leaves no files behind, and falls back to the plain graph where no temporary folder can be made', async () => {
    const { normalized, names, types } = await calibrationTensors(convNet());
    const graph = withRangeOutputs(normalized, names, types);
    const ds = synthetic(2, [3, 12, 12], 9);
    const feeds = { input: new ort.Tensor('float32', ds.inputs, [2, 3, 12, 12]) };
    const plain = await createSession(encodeModel(graph.model), { optimization: 'all' });
    const want = await plain.run(feeds);
    await plain.release();
    const saved = process.env.TMPDIR;
    const tmp = mkdtempSync(join(tmpdir(), 'whittle-test-'));
    try {
      for (const where of [tmp, join(tmp, 'missing')]) {
        process.env.TMPDIR = where;
        const before = readdirSync(tmp).length;
        const { session, release, copiesDropped } = await calibrationSession(graph);
        expect(copiesDropped > 0, where).toBe(where === tmp);
        // The folder ORT wrote to is gone once the session holds the weights (on POSIX; Windows at release).
        if (process.platform !== 'win32') expect(readdirSync(tmp).length, where).toBe(before);
        const got = await session.run(feeds);
        for (const r of graph.ranges) for (const out of [r.max, r.min]) if (out) expect(Array.from(got[out].data as Float32Array), `${where} ${out}`).toEqual(Array.from(want[out].data as Float32Array));
        await release();
        expect(readdirSync(tmp).filter((f) => f.startsWith('whittle-calibration-')), where).toEqual([]);
      }
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  // Models the rewrite was not built around: HardSwish and squeeze-excite (MobileNetV3), channel
  // shuffle (ShuffleNetV2), SiLU and Split/Concat blocks with several heads (YOLO).
  for (const [name, shape] of [['mobilenet_v3_small-random.onnx', [3, 224, 224]], ['shufflenet_v2_x1_0-random.onnx', [3, 224, 224]], ['yolo-tiny-random.onnx', [3, 320, 320]]] as const) {
    it(`${name}: the calibration graph gives the same ranges rewired onto the blocked layout as ORT runs it plainly`, async () => {
      const { normalized, names, types } = await calibrationTensors(decodeModel(readFileSync(fixtureModel(name))));
      const graph = withRangeOutputs(normalized, names, types);
      const ds = synthetic(2, [...shape], 4);
      const feeds = { [normalized.graph.input[0].name]: new ort.Tensor('float32', ds.inputs, [2, ...shape]) };
      const plain = await createSession(encodeModel(graph.model), { optimization: 'all' });
      const want = await plain.run(feeds);
      await plain.release();
      const { session, release, copiesDropped } = await calibrationSession(graph);
      try {
        // ShuffleNetV2's branch widths (58, 116, 232) are whole 8-channel blocks only at 232: with
        // AVX-512's 16-channel blocks ORT pads every one of them, and padded layouts are read as they are.
        expect(copiesDropped > 0).toBe(name !== 'shufflenet_v2_x1_0-random.onnx' || (await nchwcBlockSize()) === 8);
        const got = await session.run(feeds);
        for (const r of graph.ranges) for (const out of [r.max, r.min]) if (out) expect(Array.from(got[out].data as Float32Array), out).toEqual(Array.from(want[out].data as Float32Array));
      } finally {
        await release();
      }
    });
  }

  it('a squeeze-excite product is not read again: its range is the gate times its input\'s per-channel extremes', async () => {
    const { normalized, names, types } = await calibrationTensors(seNet());
    const graph = withRangeOutputs(normalized, names, types);
    const added = graph.model.graph.node.slice(normalized.graph.node.length);
    for (const [tag, signed] of [['mixed12', true], ['positive24', false], ['negative16', true]] as const) {
      expect(added.filter((n) => n.input.includes(`${tag}.scaled`)), tag).toEqual([]);
      expect(added.filter((n) => n.opType === 'Mul' && n.input.includes(`${tag}.gate`)).length, tag).toBe(signed ? 2 : 1);
      expect(graph.ranges.find((r) => r.tensor === `${tag}.scaled`)!.min === undefined, tag).toBe(!signed);
    }
  });

  it('NaN in a squeeze-excite product\'s input: the batch is redone from the values and the NaN counted in both', async () => {
    const b = new GraphBuilder(7);
    const [c] = b.conv('input', [3, 8, 8], { outChannels: 16, kernel: 3, pad: 1 });
    const logged = b.op('Log', [c], ['logged']); // NaN where c < 0
    const [squeezed] = b.conv(b.globalAveragePool(b.relu(c)), [16, 1, 1], { outChannels: 4, kernel: 1 });
    const [expanded] = b.conv(squeezed, [4, 1, 1], { outChannels: 16, kernel: 1 });
    b.op('Mul', [logged, b.op('Sigmoid', [expanded], ['gate'])], ['scaled']); // finish() names it 'logits'
    const model = b.finish([3, 8, 8], 4, 'nan gate', 'test');
    model.graph.output[0] = makeValueInfo('logits', DataType.FLOAT, ['N', 16, 8, 8]);
    const { normalized, names, types } = await calibrationTensors(model);
    const { stats, valueBatches, warnings } = await collectStats(normalized, ['input', ...names], types, synthetic(6, [3, 8, 8]), { samples: 6, batchSize: 3, histograms: false }, {});
    expect(valueBatches).toBe(2);
    for (const name of ['logged', 'logits']) {
      expect(stats.get(name)!.nonFinite, name).toBeGreaterThan(0);
      expect(Number.isFinite(stats.get(name)!.min) && Number.isFinite(stats.get(name)!.max), name).toBe(true);
      expect(warnings.some((w) => w.includes(`'${name}'`)), name).toBe(true);
    }
  });

  it('NaN/Inf in a convolution output are counted and left out, with a warning naming the value', async () => {
    const b = new GraphBuilder(3);
    const [c, shape] = b.conv('input', [3, 8, 8], { outChannels: 16, kernel: 3, pad: 1 });
    const [d] = b.conv(b.relu(c), shape, { outChannels: 16, kernel: 1 });
    b.op('Log', [d], ['logged']); // log of negative outputs is NaN, of 0 is -Inf; finish() names it 'logits'
    const model = b.finish([3, 8, 8], 4, 'nan', 'test');
    model.graph.output[0] = makeValueInfo('logits', DataType.FLOAT, ['N', 16, 8, 8]);
    for (const method of ['minmax', 'entropy'] as const) {
      const cal = await calibrateModel(model, synthetic(6, [3, 8, 8]), { method, calibrationSamples: 6 }, {});
      expect(cal.collect.warnings.find((w) => w.includes("'logits'")), method).toMatch(/NaN\/Inf values .* were ignored/);
      const logged = cal.collect.stats.get('logits')!;
      expect(Number.isFinite(logged.min) && Number.isFinite(logged.max), method).toBe(true);
    }
  });
});
