// The results calls through the API service (as every door dispatches them): models.inspect
// and models.graph on a model of a recorded run, datasets.preview from a node's params.
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApiService, type ApiService } from '../../src/main/api/service.ts';
import { decodeModel } from '../../src/main/onnx/model.ts';
import type { RunRecord } from '../../src/shared/api/run.ts';
import { modelGraph } from '../../src/main/api/calls/models.ts';
import { loadModelFile } from '../../src/main/onnx/file.ts';
import { LENET_FIXTURE, MOBILENET_FIXTURE } from '../fixtures-path.ts';

const mobilenetPath = MOBILENET_FIXTURE;
const lenetPath = LENET_FIXTURE;

function record(): RunRecord {
  const node = (nodeId: string, kind: string, outputs: RunRecord['nodes'][string]['outputs']) => ({
    nodeId, kind, status: 'done' as const, metrics: {}, reports: [], warnings: [], outputs, artifacts: [],
  });
  return {
    id: '20260101-000000-test01', status: 'done', name: 'results test', startedAt: new Date().toISOString(),
    document: { format: 'whittle.pipeline', version: 2, name: 'results test', nodes: [], edges: [] },
    documentPath: null, versions: { whittle: '0', onnxruntime: '0', node: process.version },
    host: { cpu: 'x', cores: 1, platform: 'linux', arch: 'x64', memoryBytes: 1 }, order: ['m', 'd'],
    nodes: {
      m: node('m', 'model.onnx', { model: { type: 'model', path: lenetPath, sha256: 'lenet', sizeBytes: readFileSync(lenetPath).length, label: 'LeNet-5' } }),
      d: node('d', 'dataset.mnist', { dataset: { type: 'dataset', source: 'mnist', options: {}, label: 'MNIST' } }),
    },
  };
}

describe('results API calls', () => {
  let api: ApiService;
  beforeAll(async () => {
    api = createApiService({ door: 'cli', home: mkdtempSync(join(tmpdir(), 'whittle-home-')), startupDocument: null });
    await api.ctx.history.save(record());
  });

  it('models.inspect gives statistics whose layers add up to the totals', async () => {
    const s = await api.call('models.inspect', { runId: '20260101-000000-test01', nodeId: 'm' });
    expect(s.label).toBe('LeNet-5');
    expect(s.sizeBytes).toBe(readFileSync(lenetPath).length);
    expect(s.gzipSizeBytes).toBeGreaterThan(0);
    expect(s.gzipSizeBytes).toBeLessThan(s.sizeBytes);
    expect(s.parameters).toBe(s.layers.reduce((a, l) => a + l.parameters, 0));
    expect(s.macs).toBe(s.layers.reduce((a, l) => a + (l.macs ?? 0), 0));
    expect(s.macs).toBeGreaterThan(s.parameters); // convolutions reuse weights
    expect(s.inputs[0]).toMatchObject({ name: 'input', shape: ['N', 1, 28, 28] });
    expect(Object.values(s.ops).reduce((a, b) => a + b, 0)).toBe(s.nodeCount);
  });

  it('models.graph draws every operator plus the graph inputs and outputs, with shapes on edges', async () => {
    const g = await api.call('models.graph', { runId: '20260101-000000-test01', nodeId: 'm' });
    const model = decodeModel(readFileSync(lenetPath));
    expect(g.nodes.filter((n) => n.opType !== 'Input' && n.opType !== 'Output')).toHaveLength(model.graph.node.length);
    expect(g.nodes.find((n) => n.id === 'in:input')).toBeDefined();
    expect(g.nodes.find((n) => n.id === 'out:logits')).toBeDefined();
    const ids = new Set(g.nodes.map((n) => n.id));
    expect(g.edges.every((e) => ids.has(e.from) && ids.has(e.to))).toBe(true);
    const first = g.edges.find((e) => e.from === 'in:input')!;
    expect(first.shape).toEqual(['N', 1, 28, 28]);
    const conv = g.nodes.find((n) => n.opType === 'Conv')!;
    expect(conv.weights.length).toBeGreaterThan(0);
    expect(conv.attributes.kernel_shape).toMatch(/^\[\d+, \d+\]$/);
    expect(g.truncated).toBe(false);
  });

  it('refuses a node without a model, and an unknown run', async () => {
    await expect(api.call('models.inspect', { runId: '20260101-000000-test01', nodeId: 'd' })).rejects.toMatchObject({ code: 'models.no-model' });
    await expect(api.call('models.graph', { runId: '20260101-000000-test01', nodeId: 'zz' })).rejects.toMatchObject({ code: 'models.no-node' });
    await expect(api.call('models.graph', { runId: '20990101-000000-nope00', nodeId: 'm' })).rejects.toMatchObject({ code: 'runs.not-found' });
  });

  it('datasets.preview returns PNG thumbnails of MNIST digits, and a note for non-images', async () => {
    const p = await api.call('datasets.preview', { kind: 'dataset.mnist', params: { split: 'test' }, count: 4 });
    expect(p.samples).toHaveLength(4);
    expect(p.sampleShape).toEqual([1, 28, 28]);
    expect(p.samples[0].dataUrl).toMatch(/^data:image\/png;base64,/);
    expect(p.samples.map((s) => s.label)).toEqual([0, 1, 2, 3]); // one per class in turn, not the first four zeros
    const flat = await api.call('datasets.preview', { kind: 'dataset.synthetic', params: { shape: '10', count: 100_000 } });
    expect(flat.samples).toHaveLength(0);
    expect(flat.note).toBeDefined();
    const envelope = await api.dispatch('datasets.preview', { kind: 'evaluate', params: {} });
    expect(envelope).toMatchObject({ ok: false, error: { code: 'datasets.not-a-dataset' } });
  });

  it('folds constant subgraphs into their consumers, as Netron draws them (MobileNetV2 fixture)', () => {
    const model = loadModelFile(mobilenetPath);
    const g = modelGraph(model, 'mnv2');
    expect(g.nodes.some((n) => n.opType === 'Constant')).toBe(false);
    // Every drawn operator is fed by an activation: nothing floats unconnected at the top.
    const fed = new Set(g.edges.map((e) => e.to));
    expect(g.nodes.filter((n) => n.opType !== 'Input' && !fed.has(n.id))).toEqual([]);
    expect(g.nodes.filter((n) => n.opType === 'Conv')).toHaveLength(model.graph.node.filter((n) => n.opType === 'Conv').length);
    const clip = g.nodes.find((n) => n.opType === 'Clip')!;
    expect(clip.weights.length).toBeGreaterThanOrEqual(1); // min/max bounds ride along as constants
    const ids = new Set(g.nodes.map((n) => n.id));
    expect(g.edges.every((e) => ids.has(e.from) && ids.has(e.to))).toBe(true);
    expect(g.edges.find((e) => e.from === 'in:input')!.shape).toEqual(['N', 3, 224, 224]);
  });

  it('datasets.preview shows image classes in turn and stays inside the browser host workspace', async () => {
    const root = mkdtempSync(join(tmpdir(), 'whittle-preview-'));
    for (const [cls, grey] of [['cat', 40], ['dog', 200]] as const) {
      mkdirSync(join(root, 'imgs', cls), { recursive: true });
      for (let i = 0; i < 3; i++) {
        await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: grey, g: grey, b: grey } } }).png().toFile(join(root, 'imgs', cls, `${i}.png`));
      }
    }
    const docPath = join(root, 'pipeline.json');
    const p = await api.call('datasets.preview', { kind: 'dataset.images', params: { path: 'imgs', resize: 8, crop: 8 }, documentPath: docPath, count: 4 });
    expect(p.samples.map((s) => s.className)).toEqual(['cat', 'dog', 'cat', 'dog']);
    expect(p.sampleShape).toEqual([3, 8, 8]);
    const scoped = createApiService({ door: 'browser', home: mkdtempSync(join(tmpdir(), 'whittle-home-')), startupDocument: null, workspace: join(root, 'elsewhere'), fileScope: [join(root, 'elsewhere')] });
    await expect(scoped.call('datasets.preview', { kind: 'dataset.images', params: { path: join(root, 'imgs') }, count: 2 })).rejects.toMatchObject({ code: 'files.outside-roots' });
  });
});
