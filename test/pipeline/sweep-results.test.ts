// Sweep outcomes from a run record (each variant's model, accuracy and its drop, size,
// latency), the Pareto front over chosen figures, the constraint string and the best variant.
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/shared/catalog/index.ts';
import type { NodeRunRecord, RunRecord } from '../../src/shared/api/run.ts';
import { emptyNodeRecord } from '../../src/shared/api/run-reducer.ts';
import { bestVariant, parseConstraints } from '../../src/shared/api/sweep-constraints.ts';
import { paretoFront, sweepOutcome } from '../../src/shared/api/sweep-results.ts';
import { PIPELINE_VERSION, type PipelineDocument } from '../../src/shared/pipeline/document.ts';
import { expandSweeps, exportDocument } from '../../src/shared/pipeline/sweep.ts';

const e = (a: string, ap: string, b: string, bp: string) => ({ from: [a, ap] as [string, string], to: [b, bp] as [string, string] });

const source: PipelineDocument = {
  format: 'whittle.pipeline', version: PIPELINE_VERSION, name: 'sweep',
  nodes: [
    { id: 'model', kind: 'model.onnx', params: { path: 'm.onnx' } },
    { id: 'test', kind: 'dataset.mnist', params: {} },
    { id: 'eval-original', kind: 'evaluate', params: {} },
    { id: 'prune', kind: 'prune', params: {}, sweeps: { sparsity: { kind: 'list', values: [0.3, 0.6] } } },
    { id: 'share', kind: 'share', params: {}, sweeps: { k: { kind: 'list', values: [4, 16] } } },
    { id: 'eval', kind: 'evaluate', params: {} },
    { id: 'bench', kind: 'benchmark', params: {} },
    { id: 'export', kind: 'export', params: { path: 'out/m.onnx' } },
  ],
  edges: [
    e('model', 'model', 'eval-original', 'model'), e('test', 'dataset', 'eval-original', 'dataset'),
    e('model', 'model', 'prune', 'model'), e('prune', 'model', 'share', 'model'),
    e('share', 'model', 'eval', 'model'), e('test', 'dataset', 'eval', 'dataset'), e('share', 'model', 'bench', 'model'),
    e('share', 'model', 'export', 'model'),
  ],
};

/** Figures per variant: [top1, sizeBytes, p50Ms]. */
const FIGURES: Record<string, [number, number, number]> = {
  v1: [0.96, 40_000, 2.0], // sparsity 0.3, k 4
  v2: [0.97, 60_000, 2.5], // sparsity 0.3, k 16
  v3: [0.93, 30_000, 1.9], // sparsity 0.6, k 4
  v4: [0.955, 70_000, 3.0], // sparsity 0.6, k 16: dominated by v2
};

function finished(n: NodeRunRecord, metrics: NodeRunRecord['metrics'], outputs: NodeRunRecord['outputs'] = {}): NodeRunRecord {
  return { ...n, status: 'done', metrics, outputs };
}

function sweepRecord(unfinished: string[] = []): RunRecord {
  const { document, plan } = expandSweeps(source, CATALOG);
  const nodes: RunRecord['nodes'] = Object.fromEntries(document.nodes.map((n) => [n.id, emptyNodeRecord(n.id, n.kind)]));
  const model = (sizeBytes: number) => ({ model: { type: 'model' as const, path: '/x.onnx', sha256: 'x', sizeBytes, label: 'm' } });
  nodes.model = finished(nodes.model, {}, model(250_000));
  nodes['eval-original'] = finished(nodes['eval-original'], { top1: 0.97 });
  for (const v of plan!.variants) {
    if (unfinished.includes(v.id)) { nodes[v.nodes.share] = { ...nodes[v.nodes.share], status: 'running' }; continue; }
    const [top1, size, p50] = FIGURES[v.id];
    nodes[v.nodes.prune] = finished(nodes[v.nodes.prune], {}, model(200_000));
    nodes[v.nodes.share] = finished(nodes[v.nodes.share], {}, model(size));
    nodes[v.nodes.eval] = finished(nodes[v.nodes.eval], { top1 });
    nodes[v.nodes.bench] = finished(nodes[v.nodes.bench], { p50Ms: p50 });
  }
  return {
    id: 'r1', status: 'done', name: 'sweep', startedAt: new Date(0).toISOString(), document, documentPath: null,
    versions: { whittle: '0', onnxruntime: '0', node: '0' }, host: { cpu: 'x', cores: 2, platform: 'linux', arch: 'x64', memoryBytes: 1 },
    order: document.nodes.map((n) => n.id), nodes, sweep: plan!, sweepSource: source,
  };
}

describe('sweepOutcome', () => {
  it('finds each variant\'s evaluated model and its figures, and the drop from the source model', () => {
    const outcome = sweepOutcome(sweepRecord())!;
    expect(outcome.baselineAccuracy).toBe(0.97);
    expect(outcome.plan.deferred).toEqual(['export']);
    const v3 = outcome.variants[2];
    expect(v3).toMatchObject({ id: 'v3', state: 'done', settings: { 'prune.sparsity': 0.6, 'share.k': 4 }, model: { nodeId: 'share@v3', port: 'model' } });
    expect(v3.metrics.accuracy).toBe(0.93);
    expect(v3.metrics.drop).toBeCloseTo(4, 10);
    expect(v3.metrics.size).toBe(30_000);
    expect(v3.metrics.latency).toBe(1.9);
    // prune@v1 is shared by v1 and v2 (same sparsity): 4 own nodes each, all done.
    expect(outcome.variants[1]).toMatchObject({ nodesTotal: 4, nodesDone: 4 });
  });

  it('a variant still running has no figures and no model yet', () => {
    const outcome = sweepOutcome(sweepRecord(['v4']))!;
    expect(outcome.variants[3]).toMatchObject({ state: 'running', metrics: {} });
  });

  it('the Pareto front over any two figures, each in its own better direction', () => {
    const { variants } = sweepOutcome(sweepRecord())!;
    expect([...paretoFront(variants, ['size', 'accuracy'])].sort()).toEqual(['v1', 'v2', 'v3']);
    expect([...paretoFront(variants, ['latency', 'drop'])].sort()).toEqual(['v1', 'v2', 'v3']);
    expect([...paretoFront(variants, ['accuracy'])]).toEqual(['v2']);
  });
});

describe('constraints', () => {
  it('parse names, operators and units', () => {
    expect(parseConstraints('drop<=0.5, p50<=5ms,size<100KB,acc>=95%,board<=2s,macs<=1.5M')).toEqual([
      { metric: 'drop', op: '<=', value: 0.5, text: 'drop<=0.5' },
      { metric: 'latency', op: '<=', value: 5, text: 'p50<=5ms' },
      { metric: 'size', op: '<', value: 102400, text: 'size<100KB' },
      { metric: 'accuracy', op: '>=', value: 0.95, text: 'acc>=95%' },
      { metric: 'board', op: '<=', value: 2000, text: 'board<=2s' },
      { metric: 'macs', op: '<=', value: 1.5e6, text: 'macs<=1.5M' },
    ]);
  });

  it('malformed input gets an error naming the part', () => {
    expect(() => parseConstraints('')).toThrow(/empty/);
    expect(() => parseConstraints('drop<=0.5,')).toThrow(/empty part/);
    expect(() => parseConstraints('speed<=3')).toThrow(/"speed<=3" names "speed"/);
    expect(() => parseConstraints('drop 0.5')).toThrow(/no comparison/);
    expect(() => parseConstraints('p50<=fast')).toThrow(/no number/);
    expect(() => parseConstraints('p50<=5kg')).toThrow(/unit "kg"/);
    expect(() => parseConstraints('acc>=95')).toThrow(/above 1/);
    try { parseConstraints('x'); } catch (err) { expect((err as { code: string }).code).toBe('sweep.bad-constraint'); }
  });

  it('best under constraints: the most accurate variant within every limit', () => {
    const { variants } = sweepOutcome(sweepRecord())!;
    expect(bestVariant(variants, parseConstraints('drop<=0.5')).id).toBe('v2');
    expect(bestVariant(variants, parseConstraints('drop<=2,p50<=2.2ms')).id).toBe('v1');
    expect(bestVariant(variants, parseConstraints('size<=35000')).id).toBe('v3');
    expect(() => bestVariant(variants, parseConstraints('size<=1KB'))).toThrow(/None of the 4 finished variants meets size<=1KB/);
    expect(() => bestVariant(variants, parseConstraints('board<=5ms'))).toThrow(/No variant has a board p50/);
  });

  it('the winner document exports the chosen variant with the source\'s own export node', () => {
    const record = sweepRecord();
    const v2 = record.sweep!.variants[1];
    const doc = exportDocument(source, v2, { nodeId: 'share@v2', port: 'model' }, 'best/v2.onnx');
    expect(doc.nodes.find((n) => n.id === 'prune')).toMatchObject({ params: { sparsity: 0.3 } });
    expect(doc.nodes.find((n) => n.id === 'share')).toMatchObject({ params: { k: 16 } });
    expect(doc.nodes.some((n) => n.sweeps)).toBe(false);
    expect(doc.nodes.filter((n) => n.kind === 'export').map((n) => n.id)).toEqual(['export']);
    // Without an export of that model, one is added.
    const bare = { ...source, nodes: source.nodes.filter((n) => n.id !== 'export'), edges: source.edges.filter((x) => x.to[0] !== 'export') };
    const added = exportDocument(bare, v2, { nodeId: 'share@v2', port: 'model' }, 'best/v2.onnx');
    expect(added.nodes.at(-1)).toEqual({ id: 'export-best', kind: 'export', params: { path: 'best/v2.onnx' } });
    expect(added.edges).toContainEqual(e('share', 'model', 'export-best', 'model'));
  });
});
