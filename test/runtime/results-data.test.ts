// The results views' data logic (no React): model rows joined with evaluate/benchmark
// metrics through the document's edges, and the Pareto front (the model view's layout: test/runtime/model-view.test.ts).
import { describe, expect, it } from 'vitest';
import { modelRows, paretoFront } from '../../src/renderer/results/compare/compareData.ts';
import type { RunRecord } from '../../src/shared/api/run.ts';

type NodeRec = RunRecord['nodes'][string];
const node = (nodeId: string, kind: string, outputs: NodeRec['outputs'], metrics: NodeRec['metrics'] = {}, status: NodeRec['status'] = 'done'): NodeRec =>
  ({ nodeId, kind, status, metrics, reports: [], warnings: [], outputs, artifacts: [] });
const model = (label: string, sizeBytes: number) => ({ type: 'model' as const, path: `/x/${label}.onnx`, sha256: label, sizeBytes, label });

function run(): RunRecord {
  return {
    id: 'r', status: 'done', name: 'n', startedAt: '', documentPath: null,
    versions: { whittle: '', onnxruntime: '', node: '' }, host: { cpu: '', cores: 1, platform: '', arch: '', memoryBytes: 0 },
    order: ['m', 'q', 'e1', 'e2', 'b', 'f'],
    document: {
      format: 'whittle.pipeline', version: 2, name: 'n', nodes: [],
      edges: [
        { from: ['m', 'model'], to: ['q', 'model'] },
        { from: ['m', 'model'], to: ['e1', 'model'] },
        { from: ['q', 'model'], to: ['e2', 'model'] },
        { from: ['m', 'model'], to: ['e2', 'reference'] },
        { from: ['q', 'model'], to: ['b', 'model'] },
      ],
    },
    nodes: {
      m: node('m', 'model.onnx', { model: model('fp32', 4000) }),
      q: node('q', 'quantize', { model: model('fp32 · int8 x86-vnni', 1000) }, { mode: 'static', layersInt8: 3, layersTotal: 5 }),
      e1: node('e1', 'evaluate', { metrics: { type: 'metrics', values: {} } }, { top1: 0.96, top5: 0.99 }),
      e2: node('e2', 'evaluate', { metrics: { type: 'metrics', values: {} } }, { top1: 0.95, top5: 0.99, agreement: 0.98, sqnrDb: 31.5 }),
      b: node('b', 'benchmark', {}, { p50Ms: 0.5, throughputPerSec: 2000 }),
      f: node('f', 'prune', {}, {}, 'failed'),
    },
  };
}

describe('compare data', () => {
  it('joins each model with the evaluate and benchmark nodes wired to its model port', () => {
    const rows = modelRows(run());
    expect(rows.map((r) => r.key)).toEqual(['m/model', 'q/model']);
    expect(rows[0]).toMatchObject({ label: 'fp32', sizeBytes: 4000, accuracy: 0.96, top5: 0.99 });
    expect(rows[0].latencyMs).toBeUndefined();
    expect(rows[0].agreement).toBeUndefined(); // e2 uses m as its reference, not as the model evaluated
    // The label says what the quantize node measured, not the target it was asked for.
    expect(rows[1]).toMatchObject({ label: 'fp32 · int8 3/5 layers', accuracy: 0.95, agreement: 0.98, sqnrDb: 31.5, latencyMs: 0.5, throughputPerSec: 2000 });
  });

  it('marks the Pareto front: nothing smaller and at least as accurate', () => {
    const front = paretoFront([
      { key: 'big-good', x: 10, y: 0.99 },
      { key: 'small-ok', x: 2, y: 0.95 },
      { key: 'mid-bad', x: 5, y: 0.9 }, // beaten by small-ok
      { key: 'tiny-poor', x: 1, y: 0.5 },
      { key: 'dup', x: 2, y: 0.95 }, // equal points do not dominate each other
    ]);
    expect([...front].sort()).toEqual(['big-good', 'dup', 'small-ok', 'tiny-poor']);
  });
});
