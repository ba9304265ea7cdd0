// A reopened document's last run, as the editor shows it: the run view built from the
// record keeps each node's outcome (done with warnings stays amber), metrics and reports.
import { describe, expect, it } from 'vitest';
import { runViewOfRecord } from '../../src/renderer/runs/useRestoreLastRun.ts';
import type { RunRecord } from '../../src/shared/api/run.ts';

type NodeRec = RunRecord['nodes'][string];
const rec = (nodeId: string, status: NodeRec['status'], extra: Partial<NodeRec> = {}): NodeRec =>
  ({ nodeId, kind: 'evaluate', status, metrics: {}, reports: [], warnings: [], outputs: {}, artifacts: [], ...extra });

describe('runViewOfRecord', () => {
  it('keeps outcomes, metrics, warnings, errors and reports by kind', () => {
    const record = {
      id: 'r1', status: 'failed', name: 'n', startedAt: '', documentPath: '/d.json', order: ['a', 'b', 'c', 'd'],
      versions: { whittle: '', onnxruntime: '', node: '' }, host: { cpu: '', cores: 1, platform: '', arch: '', memoryBytes: 0 },
      document: { format: 'whittle.pipeline', version: 2, name: 'n', nodes: [], edges: [] },
      nodes: {
        a: rec('a', 'done', { metrics: { top1: 0.9 }, durationMs: 12, reports: [{ kind: 'evaluate.summary', title: 'Evaluation', data: {} }] }),
        b: rec('b', 'done', { warnings: ['scored on training data'] }),
        c: rec('c', 'failed', { error: { code: 'x.y', message: 'broke' } }),
        d: rec('d', 'skipped', { skippedReason: 'an input failed' }),
      },
    } as unknown as RunRecord;
    const view = runViewOfRecord(record);
    expect(view).toMatchObject({ runId: 'r1', status: 'failed' });
    expect(view.nodes.a).toMatchObject({ status: 'done', metrics: { top1: 0.9 }, durationMs: 12 });
    expect(Object.keys(view.nodes.a.reports ?? {})).toEqual(['evaluate.summary']);
    expect(view.nodes.b).toMatchObject({ status: 'warning', warnings: ['scored on training data'] });
    expect(view.nodes.c).toMatchObject({ status: 'failed', error: { message: 'broke' } });
    expect(view.nodes.d).toMatchObject({ status: 'skipped', skippedReason: 'an input failed' });
  });
});
