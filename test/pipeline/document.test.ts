// The document as text: stable bytes, forward migration, and a clear problem for every
// kind of bad input (truncated, not JSON, wrong format, too large, newer version).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePipelineText } from '../../src/shared/pipeline/parse.ts';
import { serializeDocument } from '../../src/shared/pipeline/serialize.ts';
import { migrateDocument } from '../../src/shared/pipeline/migrate.ts';
import { applyDefaults, rebaseDocumentPaths } from '../../src/shared/pipeline/transform.ts';
import { MAX_PIPELINE_BYTES, type PipelineDocument } from '../../src/shared/pipeline/document.ts';
import { TEST_CATALOG } from './catalog-fixture.ts';

const EXAMPLE = readFileSync(new URL('../../resources/examples/lenet5.json', import.meta.url), 'utf8');

function sample(): PipelineDocument {
  return {
    format: 'whittle.pipeline', version: 2, name: 'Sample',
    nodes: [
      { id: 's', kind: 'src', params: { file: 'models/a.onnx' }, position: { x: 0, y: -0 } },
      { id: 'p', kind: 'prune', label: 'Prune 90%', params: { sparsity: 0.9, method: 'magnitude', layers: { fc: 0.5, conv: 0.25 } } },
      { id: 'k', kind: 'sink', params: {} },
    ],
    edges: [{ from: ['p', 'model'], to: ['k', 'model'] }, { from: ['s', 'model'], to: ['p', 'model'] }],
  };
}

describe('serializeDocument', () => {
  it('gives the same bytes for the same document, whatever its key and edge order', () => {
    const a = sample();
    const b: PipelineDocument = JSON.parse(JSON.stringify({ edges: [...a.edges].reverse(), nodes: a.nodes.map((n) => Object.fromEntries(Object.entries({ ...n, params: Object.fromEntries(Object.entries(n.params).reverse()) }).reverse())), name: a.name, version: 2, format: a.format }));
    expect(serializeDocument(b)).toBe(serializeDocument(a));
  });

  it('round-trips: parse(serialize(doc)) serializes to the same bytes', () => {
    const text = serializeDocument(sample());
    const parsed = parsePipelineText(text);
    expect(parsed.problems).toEqual([]);
    expect(serializeDocument(parsed.document!)).toBe(text);
    expect(serializeDocument(parsePipelineText(EXAMPLE).document!)).toBe(EXAMPLE);
  });

  it('writes a fixed layout: two-space indent, sorted params, edges on one line, trailing newline', () => {
    const text = serializeDocument(sample());
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('      "params": {\n        "layers": { "conv": 0.25, "fc": 0.5 },\n        "method": "magnitude",\n        "sparsity": 0.9\n      }');
    expect(text).toContain('"params": { "file": "models/a.onnx" }');
    expect(text).toContain('    { "from": ["p", "model"], "to": ["k", "model"] },\n    { "from": ["s", "model"], "to": ["p", "model"] }');
    expect(text).toContain('"position": { "x": 0, "y": 0 }');
    expect(text.split('\n')[1]).toBe('  "format": "whittle.pipeline",');
  });
});

describe('parsePipelineText: bad input gives one clear problem', () => {
  it('truncated file', () => {
    const r = parsePipelineText(EXAMPLE.slice(0, EXAMPLE.length / 2));
    expect(r.document).toBeNull();
    expect(r.problems[0].code).toBe('pipeline.truncated');
    expect(r.problems[0].message).toMatch(/truncated/);
  });

  it('not JSON, with the line and column', () => {
    const r = parsePipelineText('{\n  "format": "whittle.pipeline",\n  version: 1\n}');
    expect(r.problems[0].code).toBe('pipeline.not-json');
    expect(r.problems[0].message).toMatch(/line 3, column 3/);
  });

  it('JSON of the wrong format', () => {
    expect(parsePipelineText('{"type": "model", "layers": []}').problems[0]).toMatchObject({ code: 'pipeline.wrong-format', message: expect.stringContaining('no "format" field') });
    expect(parsePipelineText('{"format": "onnx"}').problems[0].message).toContain('its format is "onnx"');
    expect(parsePipelineText('[1, 2]').problems[0].code).toBe('pipeline.wrong-format');
    expect(parsePipelineText('   ').problems[0].code).toBe('pipeline.empty');
  });

  it('a 50 MB file is refused before parsing', () => {
    const big = `{"format":"whittle.pipeline","version":1,"name":"${'x'.repeat(50 * 1024 * 1024)}","nodes":[],"edges":[]}`;
    const r = parsePipelineText(big);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0].code).toBe('pipeline.too-large');
    expect(r.problems[0].message).toContain('50.0 MB');
    expect(r.problems[0].message).toContain(`${MAX_PIPELINE_BYTES / 1024 / 1024}.0 MB`);
  });

  it('a document from a newer Whittle', () => {
    const r = parsePipelineText(EXAMPLE.replace('"version": 2', '"version": 7'));
    expect(r.problems[0]).toMatchObject({ code: 'pipeline.version-newer', message: expect.stringContaining('format version 7') });
  });

  it('unknown fields are rejected', () => {
    const r = parsePipelineText(EXAMPLE.replace('"name":', '"author": "me", "name":'));
    expect(r.document).toBeNull();
    expect(r.problems.map((p) => p.code)).toEqual(['pipeline.unknown-field']);
  });
});

describe('migration', () => {
  const v0 = {
    format: 'whittle.pipeline', version: 0, title: 'Old pipeline',
    nodes: [{ id: 's', type: 'src', params: { file: 'a.onnx' }, x: 10, y: 20 }, { id: 'k', type: 'sink', params: {} }],
    links: [{ from: 's.model', to: 'k.model' }],
  };

  it('migrates a version-0 document forward on parse', () => {
    const r = parsePipelineText(JSON.stringify(v0));
    expect(r.problems).toEqual([]);
    expect(r.migratedFrom).toBe(0);
    expect(r.document).toEqual({
      format: 'whittle.pipeline', version: 2, name: 'Old pipeline',
      nodes: [{ id: 's', kind: 'src', params: { file: 'a.onnx' }, position: { x: 10, y: 20 } }, { id: 'k', kind: 'sink', params: {} }],
      edges: [{ from: ['s', 'model'], to: ['k', 'model'] }],
    });
  });

  it('applies one step per version, in order, without mutating its input', () => {
    const seen: number[] = [];
    const steps = {
      0: (d: Record<string, unknown>) => { seen.push(0); return { ...d, version: 1, a: true }; },
      1: (d: Record<string, unknown>) => { seen.push(1); return { ...d, version: 2, b: true }; },
    };
    const input = { version: 0 };
    expect(migrateDocument(input, 0, steps, 2)).toEqual({ version: 2, a: true, b: true });
    expect(seen).toEqual([0, 1]);
    expect(input).toEqual({ version: 0 });
    expect(() => migrateDocument(input, 0, { 0: steps[0] }, 2)).toThrow(/from pipeline version 1 to 2/);
  });
});

describe('defaults and paths', () => {
  it('fills in every default param from the catalog', () => {
    const d = applyDefaults(sample(), TEST_CATALOG);
    expect(d.nodes[1].params).toEqual({ method: 'magnitude', sparsity: 0.9, groups: 1, layers: { fc: 0.5, conv: 0.25 }, name: 'p' });
    expect(d.nodes[2].params).toEqual({ out: 'out.onnx' });
  });

  it('rebases relative and absolute paths when the document moves', () => {
    const d = sample();
    d.nodes[2].params = { out: '/home/u/proj/out/x.onnx' };
    const moved = rebaseDocumentPaths(d, TEST_CATALOG, '/home/u/proj', '/home/u/proj/sub');
    expect(moved.nodes[0].params.file).toBe('../models/a.onnx');
    expect(moved.nodes[2].params.out).toBe('../out/x.onnx');
    expect(d.nodes[0].params.file).toBe('models/a.onnx');
  });
});
