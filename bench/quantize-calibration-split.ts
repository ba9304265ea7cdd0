// Where a histogram-calibration batch's time goes, per sample: the plain forward pass, the same
// model with every calibrated value as an extra output (fetching only the model's own output:
// what the extra outputs cost inside ONNX Runtime; fetching all of them: plus onnxruntime-node's
// copy of each into a new ArrayBuffer), and the binning of those values (TensorStats.update:
// range, histogram kernel). Alternating rounds on one set of sessions; the best round counts.
import { encodeModel } from '../src/main/onnx/model.ts';
import { createSession, ort } from '../src/main/runtime/session.ts';
import { normalizeForQuantization } from '../src/main/passes/quantize/normalize.ts';
import { probeValueTypes, withExtraOutputs } from '../src/main/passes/quantize/probe.ts';
import { planQuantization } from '../src/main/passes/quantize/plan.ts';
import { TensorStats } from '../src/main/passes/quantize/calibrate.ts';
import { benchModel, benchSamples, type ChildTask } from './quantize-calibration-child.ts';

interface SplitMs { forward: number; extraOutputs: number; copyOut: number; binning: number }

async function splitOnce(model: ChildTask['model'], batch: number, samples: number, rounds: number): Promise<{ ms: SplitMs; values: number; floats: number }> {
  const normalized = normalizeForQuantization(benchModel(model));
  const types = await probeValueTypes(normalized);
  const input = normalized.graph.input[0].name;
  const plan = planQuantization(normalized, types, { asymmetric: true });
  const names = [...new Set(plan.tensors.values())].filter((t) => t !== input);
  const output = normalized.graph.output[0].name;
  const bare = await createSession(encodeModel(normalized), {});
  const values = await createSession(encodeModel(withExtraOutputs(normalized, names)), {});
  const ds = benchSamples(samples);
  const per = ds.inputs.length / ds.size;
  const best: SplitMs = { forward: Infinity, extraOutputs: Infinity, copyOut: Infinity, binning: Infinity };
  let floats = 0;
  for (let r = 0; r < rounds; r++) {
    const ms = { forward: 0, onlyOutput: 0, allOutputs: 0, binning: 0 };
    const stats = new Map(names.map((n) => [n, new TensorStats(true)]));
    floats = 0;
    for (let s = 0; s + batch <= samples; s += batch) {
      const feeds = { [input]: new ort.Tensor('float32', ds.inputs.slice(s * per, (s + batch) * per), [batch, ...ds.sampleShape]) };
      let t = performance.now();
      await bare.run(feeds);
      ms.forward += performance.now() - t;
      t = performance.now();
      await values.run(feeds, [output]);
      ms.onlyOutput += performance.now() - t;
      t = performance.now();
      const out = await values.run(feeds, names);
      ms.allOutputs += performance.now() - t;
      t = performance.now();
      for (const n of names) {
        const data = out[n].data as Float32Array;
        const row = data.length / batch;
        floats += data.length;
        for (let i = 0; i < batch; i++) stats.get(n)!.update(data.subarray(i * row, (i + 1) * row));
      }
      ms.binning += performance.now() - t;
    }
    best.forward = Math.min(best.forward, ms.forward / samples);
    best.extraOutputs = Math.min(best.extraOutputs, (ms.onlyOutput - ms.forward) / samples);
    best.copyOut = Math.min(best.copyOut, (ms.allOutputs - ms.onlyOutput) / samples);
    best.binning = Math.min(best.binning, ms.binning / samples);
  }
  await bare.release();
  await values.release();
  return { ms: best, values: names.length, floats: floats / samples };
}

export async function calibrationSplitRows(models: [ChildTask['model'], string, number][], rounds = 2): Promise<void> {
  console.log(`\nWhere a histogram-calibration batch's time goes, ms per sample (best of ${rounds} alternating rounds; the values' histograms are the methods' common work)`);
  console.log('| model | batch | calibrated values | floats per sample | forward | + extra outputs inside ORT | + copy of outputs into JS | + binning (range, kernel) | sum ÷ forward |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const [model, label, samples] of models) {
    const batch = model === 'mobilenetv2' ? 2 : 1;
    const { ms, values, floats } = await splitOnce(model, batch, Math.min(samples, 32), rounds);
    const sum = ms.forward + ms.extraOutputs + ms.copyOut + ms.binning;
    console.log(`| ${label} | ${batch} | ${values} | ${(floats / 1e6).toFixed(1)} M | ${ms.forward.toFixed(1)} | ${ms.extraOutputs.toFixed(1)} | ${ms.copyOut.toFixed(1)} | ${ms.binning.toFixed(1)} | ${(sum / ms.forward).toFixed(2)}x |`);
  }
}
