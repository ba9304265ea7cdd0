// Reports in the live run view: the latest of each kind per node (the training curve the
// canvas node draws), kept when the node finishes, and filled from the run record for a
// cached node, which streams no report events.
import { describe, expect, it } from 'vitest';
import type { Report, RunEvent, RunRecord } from '../../src/shared/api/run.ts';
import { applyRunEvent as applyToRecord, emptyNodeRecord } from '../../src/shared/api/run-reducer.ts';
import { emptyDocument } from '../../src/shared/pipeline/document.ts';
import { applyRunEvent, mergeRunRecordReports, type RunView } from '../../src/renderer/store/runView.ts';

const at = { atMs: Date.parse('2026-01-01T00:00:00Z') };

function curve(epochs: number, totalEpochs = 3): Report {
  const points = Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1, trainLoss: 2 / (i + 1), trainAccuracy: 0.3 * (i + 1), lr: 0.001, seconds: 1 }));
  return { kind: 'train.curve', title: 'Training', data: { epochs: points, totalEpochs } };
}

const report = (nodeId: string, r: Report): RunEvent => ({ ...at, runId: 'r1', nodeId, type: 'report', report: r });

function fold(events: RunEvent[], start: RunView | null = null): RunView | null {
  return events.reduce<RunView | null>((run, ev) => applyRunEvent(run, ev), start);
}

function record(nodeIds: string[]): RunRecord {
  return {
    id: 'r1', status: 'running', name: 't', startedAt: new Date(at.atMs).toISOString(), document: emptyDocument(), documentPath: null,
    versions: { whittle: '0', onnxruntime: '0', node: '0' }, host: { cpu: 'x', cores: 1, platform: 'linux', arch: 'x64', memoryBytes: 1 },
    order: nodeIds, nodes: Object.fromEntries(nodeIds.map((id) => [id, emptyNodeRecord(id, 'train')])),
  };
}

describe('reports in the live run view', () => {
  it('keeps the latest report of each kind while the node runs, and keeps them when it finishes', () => {
    const table: Report = { kind: 'train.summary', title: 'Summary', data: { rows: 1 } };
    const running = fold([
      { ...at, runId: 'r1', type: 'run.started', nodeIds: ['t', 'm'] },
      { ...at, runId: 'r1', nodeId: 't', type: 'started' },
      report('t', curve(1)),
      { ...at, runId: 'r1', nodeId: 't', type: 'progress', value: 5, max: 10 },
      report('t', table),
      report('t', curve(2)),
    ]);
    const node = running?.nodes.t;
    expect(node?.status).toBe('running');
    expect(node?.progress).toEqual({ value: 5, max: 10 });
    expect(Object.keys(node?.reports ?? {}).sort()).toEqual(['train.curve', 'train.summary']);
    expect(node?.reports?.['train.curve']).toEqual(curve(2));
    expect(running?.nodes.m.reports).toBeUndefined();

    const done = fold([report('t', curve(3)), { ...at, runId: 'r1', nodeId: 't', type: 'finished', metrics: { epochs: 3 }, durationMs: 40 }], running);
    expect(done?.nodes.t).toEqual({ status: 'done', metrics: { epochs: 3 }, durationMs: 40, reports: { 'train.curve': curve(3), 'train.summary': table } });
  });

  it('agrees with the run record the engine keeps from the same events', () => {
    const events: RunEvent[] = [
      { ...at, runId: 'r1', type: 'run.started', nodeIds: ['t'] },
      { ...at, runId: 'r1', nodeId: 't', type: 'started' },
      report('t', curve(1)), report('t', curve(2)),
      { ...at, runId: 'r1', nodeId: 't', type: 'failed', error: { code: 'train.diverged', message: 'The loss became NaN.' } },
    ];
    const view = fold(events);
    const rec = events.reduce(applyToRecord, record(['t']));
    expect(Object.values(view?.nodes.t.reports ?? {})).toEqual(rec.nodes.t.reports);
    expect(view?.nodes.t.status).toBe('failed');
  });

  it('a report of another run, or for a node of a run not shown, changes nothing', () => {
    const run = fold([{ ...at, runId: 'r1', type: 'run.started', nodeIds: ['t'] }]);
    expect(applyRunEvent(run, { ...report('t', curve(1)), runId: 'other' })).toBe(run);
    expect(applyRunEvent(null, report('t', curve(1)))).toBeNull();
  });

  it('fills a cached node from the run record, keeps live reports, and leaves an unchanged view as is', () => {
    const run = fold([
      { ...at, runId: 'r1', type: 'run.started', nodeIds: ['cachedTrain', 'live', 'plain'] },
      { ...at, runId: 'r1', nodeId: 'cachedTrain', type: 'cached', metrics: { epochs: 3 } },
      { ...at, runId: 'r1', nodeId: 'live', type: 'started' },
      report('live', curve(2)),
    ]);
    expect(run?.nodes.cachedTrain.reports).toBeUndefined();
    const rec = record(['cachedTrain', 'live', 'plain']);
    rec.nodes.cachedTrain.reports = [curve(3)];
    rec.nodes.live.reports = [curve(1)];
    const merged = mergeRunRecordReports(run, rec);
    expect(merged?.nodes.cachedTrain).toEqual({ status: 'cached', metrics: { epochs: 3 }, reports: { 'train.curve': curve(3) } });
    expect(merged?.nodes.live.reports?.['train.curve']).toEqual(curve(2));
    expect(merged?.nodes.plain).toBe(run?.nodes.plain);
    expect(mergeRunRecordReports(merged, rec)).toBe(merged);
    expect(mergeRunRecordReports(run, { ...rec, id: 'other' })).toBe(run);
  });
});
