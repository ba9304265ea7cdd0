// Three outcomes per node (DESIGN.md §9), end to end through the engine process: a node
// with warnings ends `warning` (done with warnings) and the run stays done with a warned
// count; a cache hit keeps the warnings; the CLI summary names the main warning; and the
// same samples feeding training and evaluation warn on the evaluating node.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineRunner } from '../../src/main/engine/runner.ts';
import { RunHistory, summarize } from '../../src/main/store/runs.ts';
import { runSummary } from '../../src/main/cli/summary.ts';
import { CATALOG } from '../../src/shared/catalog/index.ts';
import { nodeOutcome, type RunEvent } from '../../src/shared/api/run.ts';
import type { PipelineDocument } from '../../src/shared/pipeline/document.ts';
import { kinds } from './fixtures/test-kinds.ts';
import { datasetsOverlap } from '../../src/main/engine/leakage.ts';
import type { DatasetValue } from '../../src/shared/catalog/types.ts';

const FIXTURE_MODULE = fileURLToPath(new URL('./fixtures/test-kinds.ts', import.meta.url));

let dir: string;
let runner: EngineRunner;
const events: RunEvent[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'whittle-outcomes-'));
  runner = new EngineRunner({
    catalog: [...CATALOG, ...kinds], history: new RunHistory(join(dir, 'runs')), cacheDir: join(dir, 'cache'),
    whittleVersion: 'test', handlerModules: [FIXTURE_MODULE], defaultDir: dir,
  });
  runner.subscribe((e) => events.push(e));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type N = PipelineDocument['nodes'][number];
type E = PipelineDocument['edges'][number];
const doc = (nodes: N[], edges: E[] = []): PipelineDocument => ({ format: 'whittle.pipeline', version: 2, name: 'outcomes', nodes, edges });
const finishedOf = (runId: string, nodeId: string) => events.find((e) => e.runId === runId && (e.type === 'finished' || e.type === 'cached') && e.nodeId === nodeId);

// Each run starts an engine process and the MNIST runs load the digits: minutes on a busy machine.
describe('node outcomes', { timeout: 180_000 }, () => {
  it('a node with warnings ends done with warnings; the run is done and counts it; a cache hit keeps it amber', async () => {
    const warnings = ['Nothing was quantized: 0/17 layers are int8.', 'A second, lesser warning.'];
    const d = doc([
      { id: 'ok', kind: 'test.warn', params: { warnings: [] } },
      { id: 'amber', kind: 'test.warn', params: { warnings } },
    ], [{ from: ['ok', 'out'], to: ['amber', 'in'] }]);
    const first = await runner.wait(await runner.start(d));
    expect(first.status).toBe('done');
    expect(first.nodes.ok.status).toBe('done');
    expect(first.nodes.amber.status).toBe('warning');
    expect(first.nodes.amber.warnings).toEqual(warnings);
    expect(finishedOf(first.id, 'amber')).toMatchObject({ type: 'finished', warnings });
    expect(finishedOf(first.id, 'ok')).not.toHaveProperty('warnings');
    expect(summarize(first)).toMatchObject({ status: 'done', failedNodeIds: [], warningNodeIds: ['amber'] });

    const text = runSummary(first);
    expect(text).toContain('done with warnings on 1 node');
    expect(text).toMatch(/amber\s+done with warnings/);
    expect(text).toContain(`⚠ ${warnings[0]}`);
    expect(text).toContain('+1 more warning');

    const second = await runner.wait(await runner.start(d));
    expect(second.nodes.amber.status).toBe('cached');
    expect(second.nodes.amber.warnings).toEqual(warnings);
    expect(nodeOutcome(second.nodes.amber)).toBe('warning');
    expect(nodeOutcome(second.nodes.ok)).toBe('cached');
    expect(finishedOf(second.id, 'amber')).toMatchObject({ type: 'cached', warnings });
    expect(summarize(second).warningNodeIds).toEqual(['amber']);
    expect(runSummary(second)).toMatch(/amber\s+cached with warnings/);
  });

  it('a model handed on is labelled by what its node measured, not by the params asked for', async () => {
    const d = doc([
      { id: 'z', kind: 'model.zoo', params: { arch: 'lenet5' } },
      { id: 'cal', kind: 'dataset.mnist', params: { split: 'train', limit: 32 } },
      { id: 'q', kind: 'quantize', params: { mode: 'static', target: 'x86-vnni' } },
    ], [{ from: ['z', 'model'], to: ['q', 'model'] }, { from: ['cal', 'dataset'], to: ['q', 'calibration'] }]);
    const r = await runner.wait(await runner.start(d));
    expect(['done', 'warning']).toContain(r.nodes.q.status);
    const zooLabel = (r.nodes.z.outputs.model as { label: string }).label;
    const label = (r.nodes.q.outputs.model as { label: string }).label;
    expect(label.startsWith(`${zooLabel} · `)).toBe(true);
    expect(label).not.toContain('x86-vnni');
    expect(label).toMatch(/· (int8 \d+\/\d+ layers|int8 \(\d+ nodes\)|fp32 \(nothing quantized\))$/);
  });

  it('warns on the evaluating node when it scores on the split its model trained on, and not on another split', async () => {
    const mnist = (id: string, split: string): N => ({ id, kind: 'dataset.mnist', params: { split, limit: 8 } });
    const graph = (scoreSplit: string) => doc(
      [mnist('trainData', 'train'), mnist('scoreData', scoreSplit), { id: 'fit', kind: 'test.fit', params: {} }, { id: 'score', kind: 'test.score', params: {} }],
      [
        { from: ['trainData', 'dataset'], to: ['fit', 'data'] },
        { from: ['fit', 'out'], to: ['score', 'in'] },
        { from: ['scoreData', 'dataset'], to: ['score', 'data'] },
      ],
    );
    const leaky = await runner.wait(await runner.start(graph('train')));
    expect(leaky.status).toBe('done');
    expect(leaky.nodes.score.status).toBe('warning');
    expect(leaky.nodes.score.warnings).toHaveLength(1);
    expect(leaky.nodes.score.warnings[0]).toContain('"fit" trained on');
    expect(leaky.nodes.fit.status).toBe('done');

    const clean = await runner.wait(await runner.start(graph('test')));
    expect(clean.nodes.score.status).toBe('done');
    expect(clean.nodes.score.warnings).toEqual([]);
  });

  it('tells which datasets can share samples', () => {
    const mnist = (split: string, limit = 0): DatasetValue => ({ type: 'dataset', source: 'mnist', options: { split, limit, shuffle: false, seed: 0 }, label: split });
    expect(datasetsOverlap(mnist('train'), mnist('train', 256))).toBe(true); // a draw from the same pool
    expect(datasetsOverlap(mnist('all'), mnist('train'))).toBe(true); // "all" holds the training split
    expect(datasetsOverlap(mnist('test'), mnist('train'))).toBe(false);
    const synth = (seed: number): DatasetValue => ({ type: 'dataset', source: 'synthetic', options: { shape: [4], count: 8, seed }, label: 's' });
    expect(datasetsOverlap(synth(1), synth(1))).toBe(true);
    expect(datasetsOverlap(synth(1), synth(2))).toBe(false);
  });
});
