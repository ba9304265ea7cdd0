// Exported pipelines are portable: relative paths are rewritten for the copy's folder, or made
// absolute for a download whose folder is unknown; outputs stay relative (they go to the run's folder).
import { describe, expect, it } from 'vitest';
import { CATALOG } from '../../src/shared/catalog/index.ts';
import { portableDocument } from '../../src/shared/pipeline/transform.ts';
import type { PipelineDocument } from '../../src/shared/pipeline/document.ts';

const doc: PipelineDocument = {
  format: 'whittle.pipeline', version: 2, name: 'p',
  nodes: [
    { id: 'load', kind: 'model.onnx', params: { path: '../models/m.onnx' } },
    { id: 'data', kind: 'dataset.tensors', params: { path: 'data/x.npy', labelsPath: '/abs/y.npy' } },
    { id: 'save', kind: 'export', params: { path: 'out/model.onnx' } },
  ],
  edges: [{ from: ['load', 'model'], to: ['save', 'model'] }],
} as PipelineDocument;

const paramsOf = (d: PipelineDocument) => Object.fromEntries(d.nodes.map((n) => [n.id, n.params]));

describe('portableDocument', () => {
  it('rewrites relative paths for the copy\'s folder', () => {
    const p = paramsOf(portableDocument(doc, CATALOG, '/home/me/project', '/home/me/shared/copies'));
    expect(p.load.path).toBe('../../models/m.onnx');
    expect(p.data).toMatchObject({ path: '../../project/data/x.npy', labelsPath: '../../../../abs/y.npy' });
  });

  it('makes input paths absolute when the copy\'s folder is unknown, and keeps outputs relative', () => {
    const p = paramsOf(portableDocument(doc, CATALOG, '/home/me/project', null));
    expect(p.load.path).toBe('/home/me/models/m.onnx');
    expect(p.data).toMatchObject({ path: '/home/me/project/data/x.npy', labelsPath: '/abs/y.npy' });
    expect(p.save.path).toBe('out/model.onnx');
  });
});
