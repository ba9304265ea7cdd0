// Validation reports every problem at once, each with its node id: one test per kind of
// problem, then a document with many problems reported together.
import { describe, expect, it } from 'vitest';
import { validateDocument } from '../../src/shared/pipeline/validate.ts';
import { validateUnknown } from '../../src/shared/pipeline/validate-unknown.ts';
import type { PipelineDocument } from '../../src/shared/pipeline/document.ts';
import { TEST_CATALOG } from './catalog-fixture.ts';

function doc(nodes: PipelineDocument['nodes'], edges: PipelineDocument['edges'] = []): PipelineDocument {
  return { format: 'whittle.pipeline', version: 2, name: 't', nodes, edges };
}
const n = (id: string, kind: string, params: PipelineDocument['nodes'][number]['params'] = {}, extra: Partial<PipelineDocument['nodes'][number]> = {}) => ({ id, kind, params, ...extra });
const e = (a: string, ap: string, b: string, bp: string) => ({ from: [a, ap] as [string, string], to: [b, bp] as [string, string] });
const codes = (ps: { code: string; nodeId?: string }[]) => ps.map((p) => `${p.code}@${p.nodeId ?? ''}`).sort();
const opts = { documentDir: '/work/proj' };

describe('validateDocument', () => {
  it('accepts a valid chain', () => {
    expect(validateDocument(doc([n('s', 'src'), n('p', 'prune'), n('k', 'sink')], [e('s', 'model', 'p', 'model'), e('p', 'model', 'k', 'model')]), TEST_CATALOG, opts)).toEqual([]);
  });

  it('reports an unknown kind and a kind from a newer version', () => {
    const ps = validateDocument(doc([n('x', 'distill.v9'), n('p', 'prune', {}, { kindVersion: 3 })]), TEST_CATALOG, opts);
    expect(codes(ps)).toEqual(['pipeline.kind-newer@p', 'pipeline.unknown-kind@x']);
    expect(ps.find((p) => p.code === 'pipeline.kind-newer')!.message).toMatch(/version 3 of "prune".*knows version 2/);
  });

  it('checks params against bounds, exclusiveMax, integer, enum, pattern, number maps and unknown names', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ sparsity: 1 }, 'sparsity'], // exclusiveMax
      [{ sparsity: -0.1 }, 'sparsity'],
      [{ sparsity: 'high' }, 'sparsity'],
      [{ method: 'random' }, 'method'],
      [{ method: 'structured', groups: 2.5 }, 'groups'], // integer, visible
      [{ method: 'structured', groups: 65 }, 'groups'],
      [{ layers: { conv1: 1 } }, 'layers'],
      [{ name: 'ABC' }, 'name'],
    ];
    for (const [params, param] of cases) {
      const ps = validateDocument(doc([n('s', 'src'), n('p', 'prune', params as never)], [e('s', 'model', 'p', 'model')]), TEST_CATALOG, opts);
      expect(ps.map((p) => [p.code, p.nodeId, p.param]), JSON.stringify(params)).toEqual([['pipeline.bad-param', 'p', param]]);
    }
    const unknown = validateDocument(doc([n('s', 'src', { speed: 3 })]), TEST_CATALOG, opts);
    expect(unknown.map((p) => [p.code, p.param])).toEqual([['pipeline.unknown-param', 'speed']]);
  });

  it('validates a param only while visibleWhen shows it', () => {
    const hidden = doc([n('s', 'src'), n('p', 'prune', { method: 'magnitude', groups: 1000 })], [e('s', 'model', 'p', 'model')]);
    expect(validateDocument(hidden, TEST_CATALOG, opts)).toEqual([]);
  });

  it('reports duplicate ids, edges to unknown nodes and ports, type mismatches and double-fed inputs', () => {
    const d = doc(
      [n('s', 'src'), n('s', 'src'), n('d', 'data'), n('p', 'prune'), n('k', 'sink')],
      [e('s', 'model', 'p', 'model'), e('ghost', 'model', 'k', 'model'), e('s', 'weights', 'k', 'model'), e('d', 'dataset', 'k', 'model'), e('s', 'model', 'p', 'model'), e('p', 'model', 'k', 'nope')],
    );
    const ps = validateDocument(d, TEST_CATALOG, opts);
    expect(codes(ps)).toEqual([
      'pipeline.duplicate-id@s',
      'pipeline.edge-unknown-node@ghost',
      'pipeline.edge-unknown-port@k',
      'pipeline.edge-unknown-port@s',
      'pipeline.input-multiple@p',
      'pipeline.port-type-mismatch@k',
    ]);
    expect(ps.find((p) => p.code === 'pipeline.port-type-mismatch')!.message).toContain('dataset output to a model input');
  });

  it('reports a missing required input but not a missing optional one', () => {
    const ps = validateDocument(doc([n('p', 'prune'), n('k', 'sink')]), TEST_CATALOG, opts);
    expect(codes(ps)).toEqual(['pipeline.missing-input@k', 'pipeline.missing-input@p']);
  });

  it('reports every node of a cycle', () => {
    const ps = validateDocument(doc([n('s', 'src'), n('a', 'prune'), n('b', 'prune')], [e('a', 'model', 'b', 'model'), e('b', 'model', 'a', 'model')]), TEST_CATALOG, opts);
    expect(codes(ps)).toEqual(['pipeline.cycle@a', 'pipeline.cycle@b']);
    expect(ps[0].message).toContain('a -> b -> a');
  });

  it('refuses absolute paths outside the document folder unless the user chose them', () => {
    const d = doc([n('s', 'src', { file: '/etc/models/m.onnx' }), n('k', 'sink', { out: '/work/proj/out/x.onnx' })], [e('s', 'model', 'k', 'model')]);
    const ps = validateDocument(d, TEST_CATALOG, opts);
    expect(ps.map((p) => [p.code, p.nodeId, p.param])).toEqual([['pipeline.path-outside', 's', 'file']]);
    expect(validateDocument(d, TEST_CATALOG, { ...opts, allowedPaths: ['/etc/models/./m.onnx'] })).toEqual([]);
    // Relative paths move with the project, even when they climb out of its folder.
    const rel = doc([n('s', 'src', { file: '../models/m.onnx' }), n('k', 'sink')], [e('s', 'model', 'k', 'model')]);
    expect(validateDocument(rel, TEST_CATALOG, opts)).toEqual([]);
    // Windows paths are compared without regard to case or slash direction.
    const win = doc([n('s', 'src', { file: 'C:\\Proj\\m.onnx' }), n('k', 'sink')], [e('s', 'model', 'k', 'model')]);
    expect(validateDocument(win, TEST_CATALOG, { documentDir: 'c:/proj' })).toEqual([]);
  });

  it('reports many problems at once, each with its node id', () => {
    const d = doc([n('x', 'unknown'), n('p', 'prune', { sparsity: 2 }), n('k', 'sink'), n('s', 'src', { file: '/abs/m.onnx' })], [e('p', 'model', 'p', 'model')]);
    const ps = validateDocument(d, TEST_CATALOG, opts);
    expect(codes(ps)).toEqual(['pipeline.bad-param@p', 'pipeline.cycle@p', 'pipeline.missing-input@k', 'pipeline.path-outside@s', 'pipeline.unknown-kind@x']);
    for (const p of ps) expect(p.message.length).toBeGreaterThan(10);
  });
});

describe('validateUnknown (schema)', () => {
  it('rejects unknown fields, naming them and their node', () => {
    const raw = { format: 'whittle.pipeline', version: 2, name: 't', extra: 1, nodes: [{ id: 'a', kind: 'src', params: {}, colour: 'red' }], edges: [] };
    const ps = validateUnknown(raw, TEST_CATALOG);
    expect(ps.map((p) => [p.code, p.nodeId ?? null, p.path]).sort()).toEqual([
      ['pipeline.unknown-field', null, ''],
      ['pipeline.unknown-field', 'a', 'nodes.0'],
    ]);
    expect(ps.find((p) => p.nodeId === 'a')!.message).toContain('"colour"');
    expect(ps.find((p) => p.nodeId === undefined)!.message).toContain('"extra"');
  });

  it('reports every schema problem with its path', () => {
    const raw = { format: 'whittle.pipeline', version: 2, nodes: [{ id: '', kind: 'src' }, { id: 'b', kind: 'src', position: { x: 'left', y: 0 } }], edges: [{ from: ['a'], to: ['b', 'model'] }] };
    const ps = validateUnknown(raw, TEST_CATALOG);
    expect(ps.map((p) => p.path).sort()).toEqual(['edges.0.from', 'nodes.0.id', 'nodes.1.position.x']);
    expect(ps.find((p) => p.path === 'nodes.1.position.x')!.nodeId).toBe('b');
  });
});
