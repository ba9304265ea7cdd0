// What building a training graph costs before the first step: wall time and peak resident
// memory of buildTrainGraph for an EfficientNet-B0-size network (the limit: under 5 s).
import os from 'node:os';
import { buildTrainGraph } from '../src/main/train/training-graph.ts';
import { buildEfficientNetB0Style } from './train-models.ts';

const BATCH = 8;

export async function graphBuildCost(): Promise<void> {
  const model = buildEfficientNetB0Style();
  const params = model.graph.initializer.reduce((a, t) => a + t.dims.reduce((p, q) => p * Number(q), 1), 0);
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 10);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const graph = await buildTrainGraph(model, { batchSize: BATCH, loss: { kind: 'cross-entropy' } });
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const cpuSeconds = (used.user + used.system) / 1e6;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  console.log(`\nTraining-graph build, EfficientNet-B0-style builder network (${model.graph.node.length} nodes, ${(params / 1e6).toFixed(2)} M parameters, 224x224, batch ${BATCH}):`);
  console.log(`  ${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU (limit 5 s; load ${os.loadavg()[0].toFixed(1)}), ${graph.model.graph.node.length} training-graph nodes, peak resident memory +${((peak - baseline) / 2 ** 20).toFixed(0)} MB over ${(baseline / 2 ** 20).toFixed(0)} MB`);
}
