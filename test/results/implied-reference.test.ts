// An Evaluate node with no Reference wired compares with the unmodified model of its chain:
// which model that is (the last one before the first compressing step), and a real run
// that fills agreement and SQNR without the wire.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/shared/catalog/index.ts';
import { impliedReference } from '../../src/shared/pipeline/implied-reference.ts';
import type { PipelineDocument } from '../../src/shared/pipeline/document.ts';
import { modelRows } from '../../src/shared/results/rows.ts';
import { createApiService } from '../../src/main/api/service.ts';

const KINDS = new Map(CATALOG.map((k) => [k.kind, k]));

function doc(nodes: [string, string, Record<string, unknown>?][], edges: [string, string, string, string][]): PipelineDocument {
  return {
    format: 'whittle.pipeline', version: 2, name: 'Implied reference',
    nodes: nodes.map(([id, kind, params], i) => ({ id, kind, params: params ?? {}, position: { x: i * 200, y: 0 } })),
    edges: edges.map(([a, ap, b, bp]) => ({ from: [a, ap], to: [b, bp] })),
  } as unknown as PipelineDocument;
}

describe('impliedReference', () => {
  const chain = doc(
    [['z', 'model.zoo'], ['d', 'dataset.mnist'], ['t', 'train'], ['p', 'prune'], ['q', 'quantize'], ['e', 'evaluate'], ['et', 'evaluate'], ['ew', 'evaluate']],
    [['z', 'model', 't', 'model'], ['d', 'dataset', 't', 'dataset'], ['t', 'model', 'p', 'model'], ['p', 'model', 'q', 'model'],
      ['q', 'model', 'e', 'model'], ['t', 'model', 'et', 'model'], ['q', 'model', 'ew', 'model'], ['z', 'model', 'ew', 'reference']],
  );

  it('is the trained model before the first compressing step, not the untrained source', () => {
    expect(impliedReference(chain, 'e', KINDS)).toEqual(['t', 'model']);
  });
  it('is absent for a model nothing compressed, and when a Reference is wired', () => {
    expect(impliedReference(chain, 'et', KINDS)).toBeUndefined();
    expect(impliedReference(chain, 'ew', KINDS)).toBeUndefined();
  });
  it('follows a distillation to its teacher', () => {
    const d = doc([['m', 'model.onnx'], ['s', 'distill'], ['e', 'evaluate']], [['m', 'model', 's', 'teacher'], ['s', 'model', 'e', 'model']]);
    expect(impliedReference(d, 'e', KINDS)).toEqual(['m', 'model']);
  });
});

describe('a run without a Reference wire', () => {
  const dir = mkdtempSync(join(tmpdir(), 'whittle-implied-'));
  const api = createApiService({ door: 'cli', home: join(dir, 'home') });
  afterAll(() => { api.dispose(); rmSync(dir, { recursive: true, force: true }); });

  it('fills agreement and SQNR against the unmodified model, and says so', async () => {
    const document = doc(
      [['z', 'model.zoo', { arch: 'lenet5' }], ['d', 'dataset.mnist', { split: 'test', limit: 64 }], ['p', 'prune', { sparsity: 0.5 }],
        ['ez', 'evaluate'], ['ep', 'evaluate']],
      [['z', 'model', 'p', 'model'], ['z', 'model', 'ez', 'model'], ['d', 'dataset', 'ez', 'dataset'], ['p', 'model', 'ep', 'model'], ['d', 'dataset', 'ep', 'dataset']],
    );
    // Through pipeline.parse: the document format may have moved on since version 1.
    const parsed = await api.call('pipeline.parse', { text: JSON.stringify(document) });
    const { runId } = await api.call('runs.start', { document: parsed.document!, documentPath: null, outDir: dir });
    const record = await api.ctx.runner.wait(runId);
    expect(record.status).toBe('done');
    const ep = record.nodes.ep.metrics;
    expect(ep.referenceImplied).toBe(true);
    expect(typeof ep.agreement).toBe('number');
    expect(ep.agreement as number).toBeGreaterThan(0);
    expect(ep.agreement as number).toBeLessThanOrEqual(1);
    expect(ep.sqnrDb).toBeDefined();
    expect(record.nodes.ez.metrics.agreement).toBeUndefined();
    const rows = modelRows(record);
    const pruned = rows.find((r) => r.nodeId === 'p')!;
    expect(pruned.agreement).toBe(ep.agreement);
    expect(pruned.agreementNote).toContain('unmodified model');
    expect(rows.find((r) => r.nodeId === 'z')!.agreementNote).toContain('reference');
  }, 120_000);
});
