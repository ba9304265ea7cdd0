// Live node status folded from the engine's run events.
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/shared/api/run.ts';
import { applyRunEvent, type RunView } from '../../src/renderer/store/runView.ts';

const at = { atMs: 0 };

function fold(events: RunEvent[], start: RunView | null = null): RunView | null {
  return events.reduce<RunView | null>((run, ev) => applyRunEvent(run, ev), start);
}

describe('live node status from run events', () => {
  it('follows a node through queued, running with progress, and done with metrics', () => {
    const run = fold([
      { ...at, runId: 'r1', type: 'run.started', nodeIds: ['m', 'x'] },
      { ...at, runId: 'r1', nodeId: 'm', type: 'queued' },
      { ...at, runId: 'r1', nodeId: 'm', type: 'started' },
      { ...at, runId: 'r1', nodeId: 'm', type: 'progress', value: 3, max: 10, message: 'loading' },
    ]);
    expect(run?.nodes.m).toEqual({ status: 'running', progress: { value: 3, max: 10, message: 'loading' } });
    expect(run?.nodes.x).toEqual({ status: 'pending' });
    const done = fold([{ ...at, runId: 'r1', nodeId: 'm', type: 'finished', metrics: { sizeBytes: 10 }, durationMs: 12 }], run);
    expect(done?.nodes.m).toEqual({ status: 'done', metrics: { sizeBytes: 10 }, durationMs: 12 });
  });

  it('keeps the error of a failed node and the reason of a skipped one; the run ends failed', () => {
    const run = fold([
      { ...at, runId: 'r1', type: 'run.started', nodeIds: ['m', 'x'] },
      { ...at, runId: 'r1', nodeId: 'm', type: 'failed', error: { code: 'model.missing', message: 'The model file does not exist.' } },
      { ...at, runId: 'r1', nodeId: 'x', type: 'skipped', reason: 'upstream node "m" failed' },
      { ...at, runId: 'r1', type: 'run.finished', status: 'failed' },
    ]);
    expect(run?.status).toBe('failed');
    expect(run?.nodes.m.status).toBe('failed');
    expect(run?.nodes.m.error?.message).toBe('The model file does not exist.');
    expect(run?.nodes.x).toEqual({ status: 'skipped', skippedReason: 'upstream node "m" failed' });
  });

  it('ignores events of another run and a cached node shows its metrics', () => {
    const run = fold([
      { ...at, runId: 'r1', type: 'run.started', nodeIds: ['m'] },
      { ...at, runId: 'other', nodeId: 'm', type: 'failed', error: { code: 'x', message: 'not ours' } },
      { ...at, runId: 'r1', nodeId: 'm', type: 'cached', metrics: { opset: 13 } },
    ]);
    expect(run?.nodes.m).toEqual({ status: 'cached', metrics: { opset: 13 } });
  });
});
