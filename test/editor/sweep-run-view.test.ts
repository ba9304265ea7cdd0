// The canvas state of a swept node, folded from its variants' clones: running with a count
// of variants ended, failed when one failed, done or amber when all succeeded.
import { describe, expect, it } from 'vitest';
import { withSweepStates } from '../../src/renderer/store/sweepRunView.ts';
import type { NodeRunView, RunView } from '../../src/renderer/store/runView.ts';

const view = (nodes: Record<string, NodeRunView>): RunView => ({ runId: 'r', status: 'running', nodes });

describe('withSweepStates', () => {
  it('leaves a run without clones as it is', () => {
    const run = view({ a: { status: 'done' } });
    expect(withSweepStates(run)).toBe(run);
  });

  it('folds clones into their swept node', () => {
    const running = withSweepStates(view({ m: { status: 'done' }, 'p@v1': { status: 'done' }, 'p@v2': { status: 'running' }, 'p@v3': { status: 'queued' } }))!;
    expect(running.nodes.p).toEqual({ status: 'running', progress: { value: 1, max: 3, message: '1/3 variants' } });
    expect(running.nodes.m).toEqual({ status: 'done' });
    const amber = withSweepStates(view({ 'q@v1': { status: 'done' }, 'q@v2': { status: 'warning', warnings: ['slower'] } }))!;
    expect(amber.nodes.q).toEqual({ status: 'done', warnings: ['1 of 2 variants with warnings: slower'] });
    const failed = withSweepStates(view({ 'q@v1': { status: 'failed', error: { code: 'x', message: 'boom' } }, 'q@v2': { status: 'done' } }))!;
    expect(failed.nodes.q).toEqual({ status: 'failed', error: { code: 'x', message: 'boom' } });
    const cancelled = withSweepStates(view({ 'q@v1': { status: 'done' }, 'q@v2': { status: 'cancelled' } }))!;
    expect(cancelled.nodes.q.status).toBe('cancelled');
    // Folding again (the stored view already holds the swept node) gives the same.
    expect(withSweepStates(running)!.nodes.p).toEqual(running.nodes.p);
  });
});
