// Honest results in shared and editor code: the run reducer's three outcomes (a cached
// node keeps its warnings), the editor's live view, labels derived from what nodes did,
// outdated results after an edit, and an out-of-range value kept and marked on its node.
import { describe, expect, it } from 'vitest';
import { nodeOutcome, type NodeRunRecord, type RunEvent, type RunRecord } from '../../src/shared/api/run.ts';
import { applyRunEvent as reduceRecord, emptyNodeRecord } from '../../src/shared/api/run-reducer.ts';
import { quantizeStepLabel, variantLabel } from '../../src/shared/api/run-labels.ts';
import { outdatedNodeIds } from '../../src/shared/api/run-staleness.ts';
import { applyRunEvent as reduceView, type RunView } from '../../src/renderer/store/runView.ts';
import { createPipelineStore } from '../../src/renderer/store/createPipelineStore.ts';
import { nodeOutdatedSelector, nodeProblemsSelector } from '../../src/renderer/store/selectors.ts';
import { CATALOG } from '../../src/shared/catalog/index.ts';
import type { PipelineDocument } from '../../src/shared/pipeline/document.ts';
import type { ModelValue } from '../../src/shared/catalog/types.ts';
import { modelRows } from '../../src/renderer/results/compare/compareData.ts';

const at = { atMs: 1000, runId: 'r1' };
const warnings = ['Nothing was quantized: 0/17 layers are int8.'];

function record(nodes: Record<string, NodeRunRecord>, document: PipelineDocument = { format: 'whittle.pipeline', version: 2, name: 'r', nodes: [], edges: [] }): RunRecord {
  return {
    id: 'r1', status: 'running', name: 'r', startedAt: new Date(0).toISOString(), document, documentPath: null,
    versions: { whittle: 't', onnxruntime: 't', node: 't' }, host: { cpu: 'c', cores: 1, platform: 'p', arch: 'a', memoryBytes: 1 },
    order: Object.keys(nodes), nodes,
  };
}

describe('run reducer: three outcomes', () => {
  it('finished with warnings is `warning`, without is `done`; cached keeps its warnings and stays amber', () => {
    let r = record({ a: emptyNodeRecord('a', 'quantize'), b: emptyNodeRecord('b', 'prune'), c: emptyNodeRecord('c', 'share') });
    const events: RunEvent[] = [
      { ...at, type: 'finished', nodeId: 'a', metrics: { x: 1 }, durationMs: 5, warnings },
      { ...at, type: 'finished', nodeId: 'b', metrics: {}, durationMs: 5 },
      { ...at, type: 'cached', nodeId: 'c', metrics: {}, warnings },
      { ...at, type: 'run.finished', status: 'done' },
    ];
    for (const e of events) r = reduceRecord(r, e);
    expect([r.nodes.a.status, r.nodes.b.status, r.nodes.c.status]).toEqual(['warning', 'done', 'cached']);
    expect(r.nodes.a.warnings).toEqual(warnings);
    expect(r.nodes.c.warnings).toEqual(warnings);
    expect([nodeOutcome(r.nodes.a), nodeOutcome(r.nodes.b), nodeOutcome(r.nodes.c)]).toEqual(['warning', 'done', 'warning']);
    expect(r.status).toBe('done');
  });

  it('the editor view folds the same events the same way', () => {
    const view = [
      { ...at, type: 'run.started', nodeIds: ['a', 'c'] },
      { ...at, type: 'finished', nodeId: 'a', metrics: {}, durationMs: 5, warnings },
      { ...at, type: 'cached', nodeId: 'c', metrics: {}, warnings },
    ].reduce<RunView | null>((v, e) => reduceView(v, e as RunEvent), null);
    expect(view?.nodes.a).toMatchObject({ status: 'warning', warnings });
    expect(view?.nodes.c).toMatchObject({ status: 'cached', warnings });
    expect(nodeOutcome(view!.nodes.c)).toBe('warning');
  });
});

describe('variant labels from what happened', () => {
  const model = (label: string): ModelValue => ({ type: 'model', path: '/x.onnx', sha256: 'h', sizeBytes: 1, label });
  const node = (id: string, kind: string, params: Record<string, unknown>, metrics: NodeRunRecord['metrics'], label: string): NodeRunRecord => ({
    ...emptyNodeRecord(id, kind), status: 'done', params, metrics, outputs: { model: model(label) },
  });
  const chain = (quantizeMetrics: NodeRunRecord['metrics']) => record({
    m: node('m', 'model.onnx', {}, {}, 'lenet5'),
    p: node('p', 'prune', { method: 'magnitude' }, { sparsity: 0.4987, prunedLayers: 5 }, 'lenet5 · 50% sparse'),
    s: node('s', 'share', { k: 16 }, { clusteredLayers: 5 }, 'lenet5 · 50% sparse · k=16'),
    q: node('q', 'quantize', { mode: 'static', target: 'x86-vnni' }, quantizeMetrics, 'lenet5 · 50% sparse · k=16 · int8 x86-vnni'),
  }, {
    format: 'whittle.pipeline', version: 2, name: 'r', nodes: [],
    edges: [{ from: ['m', 'model'], to: ['p', 'model'] }, { from: ['p', 'model'], to: ['s', 'model'] }, { from: ['s', 'model'], to: ['q', 'model'] }],
  });

  it('a quantize node that quantized nothing is "fp32 (nothing quantized)", never "int8 x86-vnni"', () => {
    const label = variantLabel(chain({ mode: 'static', layersInt8: 0, layersTotal: 17 }), 'q');
    expect(label).toBe('lenet5 · 50% sparse · k=16 on 5 layers · fp32 (nothing quantized)');
    expect(label).not.toContain('x86-vnni');
  });

  it('counts the int8 layers it made; fp16 and dynamic say so', () => {
    expect(variantLabel(chain({ mode: 'static', layersInt8: 9, layersTotal: 35 }), 'q')).toBe('lenet5 · 50% sparse · k=16 on 5 layers · int8 9/35 layers');
    expect(quantizeStepLabel({ mode: 'fp16' })).toBe('fp16');
    expect(quantizeStepLabel({ mode: 'fp16', layersFp16: 0, layersTotal: 5 })).toBe('fp32 (nothing quantized)');
    expect(quantizeStepLabel({ mode: 'int4', layersInt4: 2, layersTotal: 5 })).toBe('int4 weights 2/5 layers');
    expect(quantizeStepLabel({ mode: 'dynamic', layersInt8: 3, layersTotal: 4 })).toBe('int8 dynamic 3/4 layers');
    // Older records have only quantizedNodes.
    expect(quantizeStepLabel({ mode: 'static', quantizedNodes: 0 })).toBe('fp32 (nothing quantized)');
  });

  it('keeps the handler suffix of kinds without measured labels', () => {
    const r = chain({ mode: 'static', layersInt8: 5, layersTotal: 5 });
    r.nodes.t = node('t', 'train', {}, {}, 'lenet5 · 50% sparse · k=16 · int8 x86-vnni · trained');
    r.document.edges.push({ from: ['q', 'model'], to: ['t', 'model'] });
    expect(variantLabel(r, 't')).toBe('lenet5 · 50% sparse · k=16 on 5 layers · int8 5/5 layers · trained');
  });
});

describe('compare rows carry the warnings that concern their model', () => {
  it('a measuring node\'s warning joins the model it measured; a downstream pass\'s does not', () => {
    const m = (label: string): ModelValue => ({ type: 'model', path: '/x', sha256: label, sizeBytes: 1, label });
    const r = record({
      s: { ...emptyNodeRecord('s', 'share'), status: 'done', outputs: { model: m('net · k=16') } },
      q: { ...emptyNodeRecord('q', 'quantize'), status: 'warning', warnings: ['int8 is slower.'], outputs: { model: m('net · k=16 · int8') } },
      e: { ...emptyNodeRecord('e', 'evaluate'), status: 'warning', warnings: ['Scored on training data.'], metrics: { top1: 0.9 } },
    }, {
      format: 'whittle.pipeline', version: 2, name: 'r', nodes: [],
      edges: [{ from: ['s', 'model'], to: ['q', 'model'] }, { from: ['s', 'model'], to: ['e', 'model'] }],
    });
    const rows = modelRows(r);
    expect(rows.find((x) => x.nodeId === 's')?.warnings).toEqual(['e: Scored on training data.']);
    expect(rows.find((x) => x.nodeId === 'q')?.warnings).toEqual(['int8 is slower.']);
  });
});

describe('outdated results', () => {
  const base: PipelineDocument = {
    format: 'whittle.pipeline', version: 2, name: 'd',
    nodes: [
      { id: 'm', kind: 'model.zoo', params: {} },
      { id: 'p', kind: 'prune', params: { sparsity: 0.5 } },
      { id: 'e', kind: 'benchmark', params: {} },
      { id: 'x', kind: 'export', params: {} },
    ],
    edges: [{ from: ['m', 'model'], to: ['p', 'model'] }, { from: ['p', 'model'], to: ['e', 'model'] }, { from: ['m', 'model'], to: ['x', 'model'] }],
  };
  const withParams = (id: string, params: Record<string, number>): PipelineDocument => ({ ...base, nodes: base.nodes.map((n) => (n.id === id ? { ...n, params } : n)) });

  it('an edited node and everything downstream of it are outdated; others and key order are not', () => {
    expect(outdatedNodeIds(base, base).size).toBe(0);
    expect([...outdatedNodeIds(base, withParams('p', { sparsity: 0.7 }))].sort()).toEqual(['e', 'p']);
    expect(outdatedNodeIds(base, { ...base, nodes: base.nodes.map((n) => ({ ...n, position: { x: 5, y: 5 }, label: 'moved' })) }).size).toBe(0);
  });

  it('a rewired input makes the node outdated', () => {
    const rewired = { ...base, edges: [...base.edges.filter((e) => e.to[0] !== 'e'), { from: ['m', 'model'] as [string, string], to: ['e', 'model'] as [string, string] }] };
    expect([...outdatedNodeIds(base, rewired)]).toEqual(['e']);
  });

  it('the editor store marks the node outdated after a param edit, until the next run', () => {
    const store = createPipelineStore(base);
    store.getState().setCatalog(CATALOG);
    store.getState().setAwaitingRun(true, store.getState().history.present);
    store.getState().startRun('r1', base.nodes.map((n) => n.id));
    const outdated = (id: string) => nodeOutdatedSelector(id)(store.getState());
    expect(outdated('p')).toBe(false);
    store.getState().commit([{ type: 'setParam', id: 'p', param: 'sparsity', value: 0.7 }]);
    expect([outdated('p'), outdated('e'), outdated('x')]).toEqual([true, true, false]);
    store.getState().setAwaitingRun(true, store.getState().history.present);
    store.getState().startRun('r2', base.nodes.map((n) => n.id));
    expect(outdated('p')).toBe(false);
  });
});

describe('an out-of-range value', () => {
  it('stays in the document and marks its node at once', () => {
    const store = createPipelineStore({ format: 'whittle.pipeline', version: 2, name: 'd', nodes: [{ id: 'p', kind: 'prune', params: {} }], edges: [] });
    store.getState().setCatalog(CATALOG);
    store.getState().commit([{ type: 'setParam', id: 'p', param: 'sparsity', value: 1.5 }]);
    expect(store.getState().history.present.nodes[0].params.sparsity).toBe(1.5);
    expect(nodeProblemsSelector('p')(store.getState())).toMatch(/Sparsity.*1\.5/);
    store.getState().commit([{ type: 'setParam', id: 'p', param: 'sparsity', value: 0.5 }]);
    expect(nodeProblemsSelector('p')(store.getState())).toBe('');
  });
});
