// Sweep expansion: values of lists and ranges, product counts, seeded sampling (same seed,
// same variants), Latin-hypercube strata, upstream nodes kept once, clones per variant, and
// variants that differ only in a param their other settings hide (visibleWhen) made once.
import { describe, expect, it } from 'vitest';
import type { PipelineDocument } from '../../src/shared/pipeline/document.ts';
import type { NodeKindSpec } from '../../src/shared/catalog/types.ts';
import { documentSweepCounts, expandSweeps, variantSettingText, winnerDocument } from '../../src/shared/pipeline/sweep.ts';
import { latinHypercube, sampleCombinations } from '../../src/shared/pipeline/sweep-sample.ts';
import { checkSweep, sweepValues, type SweepSpec } from '../../src/shared/pipeline/sweep-spec.ts';
import { validateDocument } from '../../src/shared/pipeline/validate.ts';
import { parsePipelineText } from '../../src/shared/pipeline/parse.ts';
import { serializeDocument } from '../../src/shared/pipeline/serialize.ts';
import { PIPELINE_VERSION } from '../../src/shared/pipeline/document.ts';
import { TEST_CATALOG, PRUNE } from './catalog-fixture.ts';

type Node = PipelineDocument['nodes'][number];
const e = (a: string, b: string, port = 'model') => ({ from: [a, 'model'] as [string, string], to: [b, port] as [string, string] });

/** src -> prune -> prune2 -> sink, and src -> sideSink (upstream of every sweep). */
function chain(pruneSweeps: Node['sweeps'], prune2Sweeps?: Node['sweeps'], sweep?: PipelineDocument['sweep']): PipelineDocument {
  return {
    format: 'whittle.pipeline', version: PIPELINE_VERSION, name: 't', groups: [], notes: [],
    nodes: [
      { id: 's', kind: 'src', params: {} },
      { id: 'p', kind: 'prune', params: {}, ...(pruneSweeps ? { sweeps: pruneSweeps } : {}) },
      { id: 'q', kind: 'prune', params: { sparsity: 0.1 }, ...(prune2Sweeps ? { sweeps: prune2Sweeps } : {}) },
      { id: 'k', kind: 'sink', params: {} },
      { id: 'side', kind: 'sink', params: {} },
    ],
    edges: [e('s', 'p'), e('p', 'q'), e('q', 'k'), e('s', 'side')],
    ...(sweep ? { sweep } : {}),
  };
}

const list = (...values: (number | string)[]): SweepSpec => ({ kind: 'list', values });

describe('sweep values', () => {
  it('lists, linear and log ranges; whole-number params round; repeats drop', () => {
    expect(sweepValues(list(0.3, 0.5, 0.3))).toEqual([0.3, 0.5]);
    expect(sweepValues({ kind: 'linear', start: 0.1, stop: 0.9, steps: 5 })).toEqual([0.1, 0.3, 0.5, 0.7, 0.9]);
    expect(sweepValues({ kind: 'log', start: 4, stop: 64, steps: 5 }, PRUNE.params.groups)).toEqual([4, 8, 16, 32, 64]);
    expect(sweepValues({ kind: 'linear', start: 1, stop: 2, steps: 5 }, PRUNE.params.groups)).toEqual([1, 2]);
  });

  it('checks every value against the param range and type', () => {
    expect(checkSweep(PRUNE.params.sparsity, { kind: 'linear', start: 0.5, stop: 1, steps: 3 })).toMatch(/sweep value 1 must be in \[0, 1\)/);
    expect(checkSweep(PRUNE.params.sparsity, list(0.2, 0.4))).toBeNull();
    expect(checkSweep(PRUNE.params.method, list('magnitude', 'structured'))).toBeNull();
    expect(checkSweep(PRUNE.params.method, list('magnitude', 'random'))).toMatch(/"random" must be one of/);
    expect(checkSweep(PRUNE.params.method, { kind: 'linear', start: 0, stop: 1, steps: 2 })).toMatch(/sweep it with a list/);
    expect(checkSweep(PRUNE.params.name, list('a'))).toMatch(/only numbers and choices/);
  });
});

describe('expandSweeps', () => {
  it('makes the product of two sweeps; upstream nodes once, downstream cloned per variant', () => {
    const { document, plan } = expandSweeps(chain({ sparsity: list(0.2, 0.4, 0.6) }, { sparsity: list(0.1, 0.3) }), TEST_CATALOG);
    expect(plan!.productSize).toBe(6);
    expect(plan!.variants).toHaveLength(6);
    const ids = document.nodes.map((n) => n.id);
    // s and side are upstream of both sweeps: once. p is cloned per p value (3), q and k per combination (6).
    expect(ids.filter((id) => id === 's' || id === 'side')).toEqual(['s', 'side']);
    expect(ids.filter((id) => id.startsWith('p@'))).toHaveLength(3);
    expect(ids.filter((id) => id.startsWith('q@'))).toHaveLength(6);
    expect(ids.filter((id) => id.startsWith('k@'))).toHaveLength(6);
    expect(document.nodes).toHaveLength(2 + 3 + 6 + 6);
    expect(document.nodes.every((n) => n.sweeps === undefined)).toBe(true);
    const v2 = plan!.variants[1];
    expect(v2.settings).toEqual({ 'p.sparsity': 0.2, 'q.sparsity': 0.3 });
    expect(v2.nodes).toEqual({ s: 's', side: 'side', p: 'p@v1', q: 'q@v2', k: 'k@v2' });
    expect(document.nodes.find((n) => n.id === 'q@v2')!.params).toEqual({ sparsity: 0.3 });
    expect(document.edges).toContainEqual(e('p@v1', 'q@v2'));
    expect(document.edges).toContainEqual(e('s', 'p@v1'));
    // The expanded document is a valid plain pipeline.
    expect(validateDocument(document, TEST_CATALOG)).toEqual([]);
  });

  it('leaves a document without sweeps as it is', () => {
    const doc = chain(undefined);
    expect(expandSweeps(doc, TEST_CATALOG)).toEqual({ document: doc, plan: null });
  });

  it('refuses a product over the budget unless sampled', () => {
    const doc = chain({ sparsity: { kind: 'linear', start: 0, stop: 0.9, steps: 10 } }, { sparsity: { kind: 'linear', start: 0, stop: 0.9, steps: 10 } }, { sampling: 'product', maxVariants: 50, seed: 1 });
    expect(() => expandSweeps(doc, TEST_CATALOG)).toThrow(/make 100 variants .*budget is 50/);
    // Validation says so before any run: the editor's problems, `whittle validate`.
    expect(validateDocument(doc, TEST_CATALOG).map((p) => p.code)).toEqual(['pipeline.sweep-too-many']);
    expect(validateDocument({ ...doc, sweep: { sampling: 'lhs', maxVariants: 50, seed: 1 } }, TEST_CATALOG)).toEqual([]);
    const sampled = expandSweeps({ ...doc, sweep: { sampling: 'random', maxVariants: 50, seed: 1 } }, TEST_CATALOG);
    expect(sampled.plan!.variants).toHaveLength(50);
    expect(sampled.plan!.productSize).toBe(100);
  });

  it('keeps exports out of the sweep and gives them back in the winner document', () => {
    const doc = chain({ sparsity: list(0.2, 0.4) });
    const exportKind = { ...TEST_CATALOG.find((k) => k.kind === 'sink')!, cache: false };
    const catalog = [...TEST_CATALOG.filter((k) => k.kind !== 'sink'), exportKind];
    const { document, plan } = expandSweeps(doc, catalog);
    expect(plan!.deferred).toEqual(['k']);
    // side is an export too, but upstream of every sweep: it runs once, as it is.
    expect(document.nodes.map((n) => n.id).filter((id) => id.startsWith('k'))).toEqual([]);
    expect(document.nodes.some((n) => n.id === 'side')).toBe(true);
    const winner = winnerDocument(doc, plan!.variants[1]);
    expect(winner.nodes.find((n) => n.id === 'p')).toEqual({ id: 'p', kind: 'prune', params: { sparsity: 0.4 } });
    expect(winner.nodes.map((n) => n.id)).toEqual(doc.nodes.map((n) => n.id));
  });

  it('refuses a clone id that a node already has', () => {
    const doc = chain({ sparsity: list(0.2, 0.4) });
    doc.nodes.push({ id: 'q@v2', kind: 'src', params: {} });
    expect(() => expandSweeps(doc, TEST_CATALOG)).toThrow(/already has a node with that id/);
  });
});

describe('sampling', () => {
  const random = { sampling: 'random' as const, maxVariants: 20, seed: 7 };
  it('is deterministic by seed and distinct within a sample', () => {
    const a = sampleCombinations([10, 10, 4], random, '');
    expect(a).toEqual(sampleCombinations([10, 10, 4], random, ''));
    expect(new Set(a.map((c) => c.join(','))).size).toBe(20);
    expect(a).not.toEqual(sampleCombinations([10, 10, 4], { ...random, seed: 8 }, ''));
    const l = sampleCombinations([10, 10, 4], { ...random, sampling: 'lhs' }, '');
    expect(l).toEqual(sampleCombinations([10, 10, 4], { ...random, sampling: 'lhs' }, ''));
  });

  it('runs the whole product when it fits the budget, whatever the sampling', () => {
    expect(sampleCombinations([2, 3], { ...random, sampling: 'lhs' }, '')).toHaveLength(6);
  });

  it('Latin hypercube: every stratum of every param holds exactly one point', () => {
    const n = 10;
    const sizes = [10, 20, 30];
    const points = latinHypercube(sizes, n, 3);
    expect(points).toHaveLength(n);
    sizes.forEach((m, d) => {
      const strata = points.map((p) => Math.floor((p[d] * n) / m)).sort((a, b) => a - b);
      expect(strata).toEqual(Array.from({ length: n }, (_, i) => i));
    });
  });

  it('a seeded sample expands to the same document twice', () => {
    const doc = chain({ sparsity: { kind: 'linear', start: 0, stop: 0.9, steps: 10 } }, { sparsity: { kind: 'linear', start: 0, stop: 0.9, steps: 10 } }, { sampling: 'lhs', maxVariants: 10, seed: 5 });
    const one = expandSweeps(doc, TEST_CATALOG);
    expect(one).toEqual(expandSweeps(doc, TEST_CATALOG));
    expect(one.plan!.variants).toHaveLength(10);
  });
});

describe('sweeps in the document', () => {
  it('round-trip through serialize and parse', () => {
    const doc = chain({ sparsity: { kind: 'log', start: 0.01, stop: 0.5, steps: 4 } }, undefined, { sampling: 'lhs', maxVariants: 12, seed: 3 });
    const parsed = parsePipelineText(serializeDocument(doc));
    expect(parsed.problems).toEqual([]);
    expect(parsed.document!.nodes[1].sweeps).toEqual({ sparsity: { kind: 'log', start: 0.01, stop: 0.5, steps: 4 } });
    expect(parsed.document!.sweep).toEqual({ sampling: 'lhs', maxVariants: 12, seed: 3 });
  });

  it('validation names a swept value outside the range, a sweep on an unknown param and one that cannot be swept', () => {
    const doc = chain({ sparsity: list(0.5, 1.5), nope: list(1), name: list('a', 'b') });
    const problems = validateDocument(doc, TEST_CATALOG);
    expect(problems.map((p) => `${p.code}:${p.param}`).sort()).toEqual(['pipeline.bad-sweep:name', 'pipeline.bad-sweep:sparsity', 'pipeline.unknown-param:nope']);
    expect(problems.find((p) => p.param === 'sparsity')!.message).toMatch(/Node "p": Sparsity sweep value 1.5 must be in \[0, 1\)/);
  });
});

describe('hidden params collapse', () => {
  /** Effective settings of every variant, as sorted strings: distinct ones only when they collapse. */
  const effective = (plan: NonNullable<ReturnType<typeof expandSweeps>['plan']>) => plan.variants.map((v) => JSON.stringify(v.settings));
  const kinds = new Map(TEST_CATALOG.map((k) => [k.kind, k]));

  it('a swept choice that hides a swept param makes its variants once', () => {
    // groups applies only to method = structured: magnitude × 3 groups is one variant, not 3.
    const doc = chain({ method: list('magnitude', 'structured'), groups: list(1, 2, 4) });
    const { document, plan } = expandSweeps(doc, TEST_CATALOG);
    expect(plan!.productSize).toBe(4);
    expect(effective(plan!)).toEqual([
      '{"p.method":"magnitude"}',
      '{"p.groups":1,"p.method":"structured"}',
      '{"p.groups":2,"p.method":"structured"}',
      '{"p.groups":4,"p.method":"structured"}',
    ]);
    expect(document.nodes.filter((n) => n.kind === 'prune' && n.id.startsWith('p@')).map((n) => n.params)).toEqual([
      { method: 'magnitude' },
      { method: 'structured', groups: 1 },
      { method: 'structured', groups: 2 },
      { method: 'structured', groups: 4 },
    ]);
    // The inspector, `whittle validate` and the run count alike.
    expect(documentSweepCounts(doc, kinds)).toEqual({ combinations: 4, variants: 4 });
    expect(variantSettingText(plan!.variants[0], plan!.dimensions[0])).toBe('n/a');
    expect(winnerDocument(doc, plan!.variants[0]).nodes[1]).toEqual({ id: 'p', kind: 'prune', params: { method: 'magnitude' } });
  });

  it('a sweep hidden by the base value makes one variant; other nodes still multiply', () => {
    const doc = chain({ groups: list(1, 2, 4) }, { sparsity: list(0.1, 0.3) });
    const { plan } = expandSweeps(doc, TEST_CATALOG);
    expect(effective(plan!)).toEqual(['{"q.sparsity":0.1}', '{"q.sparsity":0.3}']);
    expect(documentSweepCounts(doc, kinds)).toEqual({ combinations: 2, variants: 2 });
  });

  it('a product over the budget that collapses within it runs whole, and validates', () => {
    // 2 methods × 20 groups × 3 sparsities = 120 combinations; distinct: (1 + 20) × 3 = 63.
    const groups: SweepSpec = { kind: 'linear', start: 1, stop: 20, steps: 20 };
    const doc = chain({ method: list('magnitude', 'structured'), groups, sparsity: list(0.2, 0.4, 0.6) }, undefined, { sampling: 'product', maxVariants: 64, seed: 1 });
    expect(validateDocument(doc, TEST_CATALOG)).toEqual([]);
    const { plan } = expandSweeps(doc, TEST_CATALOG);
    expect(plan!.productSize).toBe(63);
    expect(new Set(effective(plan!)).size).toBe(63);
    const over = { ...doc, sweep: { sampling: 'product' as const, maxVariants: 50, seed: 1 } };
    expect(() => expandSweeps(over, TEST_CATALOG)).toThrow(/make 63 variants \(63 settings of Prune · Groups, Prune · Method, Prune · Sparsity\); the budget is 50/);
    expect(validateDocument(over, TEST_CATALOG)[0].message).toMatch(/make 63 variants/);
  });

  it('samples among distinct settings only', () => {
    const doc = chain({ method: list('magnitude', 'structured'), groups: { kind: 'linear', start: 1, stop: 30, steps: 30 } }, { sparsity: list(0.1, 0.3, 0.5) }, { sampling: 'random', maxVariants: 40, seed: 7 });
    const { plan } = expandSweeps(doc, TEST_CATALOG);
    expect(plan!.productSize).toBe(31 * 3);
    expect(plan!.variants).toHaveLength(40);
    expect(new Set(effective(plan!)).size).toBe(40);
    const lhs = expandSweeps({ ...doc, sweep: { sampling: 'lhs', maxVariants: 40, seed: 7 } }, TEST_CATALOG).plan!;
    expect(new Set(effective(lhs)).size).toBe(lhs.variants.length);
  });

  it('a chain of visibleWhen: a param hidden by a hidden choice drops out too', () => {
    const deep: NodeKindSpec = {
      ...PRUNE, kind: 'deep',
      params: {
        a: { type: 'enum', label: 'A', help: 'a', default: 'x', options: [{ value: 'x', label: 'x' }, { value: 'y', label: 'y' }] },
        b: { type: 'enum', label: 'B', help: 'b', default: 'u', options: [{ value: 'u', label: 'u' }, { value: 'v', label: 'v' }], visibleWhen: { param: 'a', equals: ['x'] } },
        c: { type: 'number', label: 'C', help: 'c', default: 1, min: 0, max: 9, visibleWhen: { param: 'b', equals: ['u'] } },
      },
    };
    const doc: PipelineDocument = {
      format: 'whittle.pipeline', version: PIPELINE_VERSION, name: 't', groups: [], notes: [],
      nodes: [{ id: 's', kind: 'src', params: {} }, { id: 'd', kind: 'deep', params: {}, sweeps: { a: list('x', 'y'), b: list('u', 'v'), c: list(1, 2, 3) } }],
      edges: [e('s', 'd')],
    };
    const { plan } = expandSweeps(doc, [...TEST_CATALOG, deep]);
    // a = x, b = u: 3 values of c; a = x, b = v: 1; a = y (b and so c hidden): 1.
    expect(effective(plan!)).toEqual([
      '{"d.a":"x","d.b":"u","d.c":1}', '{"d.a":"x","d.b":"u","d.c":2}', '{"d.a":"x","d.b":"u","d.c":3}',
      '{"d.a":"x","d.b":"v"}', '{"d.a":"y"}',
    ]);
  });
});
