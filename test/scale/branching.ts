// A branching LeNet-5 pipeline for the scale tests: one fine-tune, then three prune
// sparsities, each shared, quantized and evaluated. Independent branches let a pool or a
// queue run nodes at once; `fingerprint` reduces a run to what must not depend on where
// nodes ran: every output model's sha256 and every numeric metric but timings.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunRecord } from '../../src/shared/api/run.ts';
import type { PipelineDocument } from '../../src/shared/pipeline/document.ts';
import { LENET_FIXTURE } from '../fixtures-path.ts';

export const SPARSITIES = [0.3, 0.5, 0.7];

/** The document, with LeNet copied into `dir` (relative paths resolve there). */
export function branchingDocument(dir: string, opts: { trainEpochs?: number } = {}): PipelineDocument {
  copyFileSync(LENET_FIXTURE, join(dir, 'lenet.onnx'));
  const nodes: PipelineDocument['nodes'] = [
    { id: 'model', kind: 'model.onnx', params: { path: 'lenet.onnx' } },
    { id: 'train-data', kind: 'dataset.mnist', params: { split: 'train', limit: 128, shuffle: true, seed: 3 } },
    { id: 'test', kind: 'dataset.mnist', params: { split: 'test', limit: 200 } },
    { id: 'tune', kind: 'train', params: { epochs: opts.trainEpochs ?? 1, batchSize: 32, seed: 7 } },
  ];
  const edges: PipelineDocument['edges'] = [
    { from: ['model', 'model'], to: ['tune', 'model'] },
    { from: ['train-data', 'dataset'], to: ['tune', 'dataset'] },
  ];
  for (const [i, sparsity] of SPARSITIES.entries()) {
    nodes.push(
      { id: `prune${i}`, kind: 'prune', params: { method: 'magnitude', sparsity } },
      { id: `share${i}`, kind: 'share', params: { k: 16, storage: 'dense' } },
      { id: `quantize${i}`, kind: 'quantize', params: { mode: 'static', method: 'minmax', perChannel: true } },
      { id: `eval${i}`, kind: 'evaluate', params: {} },
    );
    edges.push(
      { from: ['tune', 'model'], to: [`prune${i}`, 'model'] },
      { from: [`prune${i}`, 'model'], to: [`share${i}`, 'model'] },
      { from: [`share${i}`, 'model'], to: [`quantize${i}`, 'model'] },
      { from: ['train-data', 'dataset'], to: [`quantize${i}`, 'calibration'] },
      { from: [`quantize${i}`, 'model'], to: [`eval${i}`, 'model'] },
      { from: ['test', 'dataset'], to: [`eval${i}`, 'dataset'] },
    );
  }
  return { format: 'whittle.pipeline', version: 2, name: 'branching LeNet-5', nodes, edges } as PipelineDocument;
}

const TIMING = /(Ms|PerSec|Peak\w*)$|latency|Latency|speedup|Speedup|threads/;

/** Node id -> output model hashes and numeric metrics (timings left out). */
export function fingerprint(record: RunRecord): Record<string, unknown> {
  return Object.fromEntries(Object.values(record.nodes).map((n) => [n.nodeId, {
    status: n.status,
    models: Object.fromEntries(Object.entries(n.outputs).flatMap(([port, v]) => (v.type === 'model' ? [[port, v.sha256]] : []))),
    metrics: Object.fromEntries(Object.entries(n.metrics).filter(([k, v]) => typeof v === 'number' && !TIMING.test(k))),
  }]));
}
