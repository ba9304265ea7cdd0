// The model view's logic without a browser: the ELK layered layout (a residual Add takes two
// arrows at two points; MobileNetV2 lays out whole), QDQ groups folded into one node, search,
// weight statistics and quantization parameters in the graph, and models.view through the
// file guard.
import { mkdtempSync, copyFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { modelGraph } from '../../src/main/api/calls/models.ts';
import { createApiService } from '../../src/main/api/service.ts';
import { loadModelFile } from '../../src/main/onnx/file.ts';
import { valueStats } from '../../src/main/onnx/tensor-summary.ts';
import { quantizeStatic } from '../../src/main/passes/quantize/static.ts';
import type { GraphEdge, GraphNode, ModelGraph } from '../../src/shared/api/models.ts';
import { displayGraph, fuseQdqGroups, searchNodes } from '../../src/renderer/results/model-view/displayGraph.ts';
import { layoutGraph, nodeSize, type GraphLayout } from '../../src/renderer/results/model-view/elkLayout.ts';
import { modelFromAddress, onModelViewRequest, requestModelView } from '../../src/renderer/results/model-view/modelViewRequests.ts';
import { exampleHeadline } from '../../src/shared/editor/exampleHeadline.ts';
import { LENET_FIXTURE, MOBILENET_FIXTURE } from '../fixtures-path.ts';
import { lenet, mnistCalibration } from '../quantize/helpers.ts';

const elk = new ELK();
const gn = (id: string, opType: string): GraphNode => ({ id, opType, name: `${opType}_${id}`, attributes: {}, weights: [] });
const ge = (from: string, to: string): GraphEdge => ({ from, to, value: `${from}->${to}`, shape: [1, 8] });

/** in -> conv -> relu -> add <- in (a residual block), add -> out. */
const residual: ModelGraph = {
  label: 'residual', truncated: false,
  nodes: [gn('in', 'Input'), gn('conv', 'Conv'), gn('relu', 'Relu'), gn('add', 'Add'), gn('out', 'Output')],
  edges: [ge('in', 'conv'), ge('conv', 'relu'), ge('relu', 'add'), ge('in', 'add'), ge('add', 'out')],
};

function endsOn(layout: GraphLayout, id: string) {
  return layout.edges.filter((e) => e.edge.to === id).map((e) => e.points[e.points.length - 1]);
}

function overlaps(layout: GraphLayout): boolean {
  const boxes = [...layout.boxes.values()];
  return boxes.some((a, i) => boxes.slice(i + 1).some((b) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height));
}

describe('ELK layered layout', () => {
  it('brings both inputs of a residual Add in at two distinct points on its top edge', async () => {
    const layout = await layoutGraph(elk, displayGraph(residual, false));
    const add = layout.boxes.get('add')!;
    const ends = endsOn(layout, 'add');
    expect(ends).toHaveLength(2);
    expect(Math.abs(ends[0].x - ends[1].x)).toBeGreaterThan(1);
    for (const p of ends) {
      expect(Math.abs(p.y - add.y)).toBeLessThanOrEqual(2); // ports sit on the box's top edge
      expect(p.x).toBeGreaterThanOrEqual(add.x);
      expect(p.x).toBeLessThanOrEqual(add.x + add.width);
    }
    // Layers go down: every edge ends below where it starts.
    for (const e of layout.edges) expect(e.points[e.points.length - 1].y).toBeGreaterThan(e.points[0].y);
    expect(overlaps(layout)).toBe(false);
  });

  it('lays out MobileNetV2 whole: every node placed, no overlaps, each residual Add fed at two points', async () => {
    const graph = modelGraph(loadModelFile(MOBILENET_FIXTURE), 'MobileNetV2');
    const layout = await layoutGraph(elk, displayGraph(graph, false));
    expect(layout.boxes.size).toBe(graph.nodes.length);
    expect(layout.edges.every((e) => e.points.length >= 2)).toBe(true);
    expect(overlaps(layout)).toBe(false);
    const adds = graph.nodes.filter((n) => n.opType === 'Add');
    expect(adds.length).toBeGreaterThanOrEqual(10);
    for (const add of adds) {
      const ends = endsOn(layout, add.id);
      expect(ends).toHaveLength(2);
      expect(Math.abs(ends[0].x - ends[1].x)).toBeGreaterThan(1);
    }
  }, 120_000);
});

describe('QDQ groups and search', () => {
  /** in -> Q -> DQ -> Conv -> Q2 -> DQ2 -> Relu -> out: Conv folds with DQ and Q2. */
  const qdq: ModelGraph = {
    label: 'qdq', truncated: false,
    nodes: [gn('in', 'Input'), gn('q', 'QuantizeLinear'), gn('dq', 'DequantizeLinear'), gn('conv', 'Conv'), gn('q2', 'QuantizeLinear'), gn('dq2', 'DequantizeLinear'), gn('relu', 'Relu'), gn('out', 'Output')],
    edges: [ge('in', 'q'), ge('q', 'dq'), ge('dq', 'conv'), ge('conv', 'q2'), ge('q2', 'dq2'), ge('dq2', 'relu'), ge('relu', 'out')],
  };

  it('folds DequantizeLinear -> op -> QuantizeLinear into one node and reattaches the edges', () => {
    const d = fuseQdqGroups(qdq);
    expect(d.fusedGroups).toBe(2);
    const conv = d.nodes.find((n) => n.id === 'fused:conv')!;
    expect(conv.members.map((m) => m.id)).toEqual(['dq', 'conv', 'q2']);
    const relu = d.nodes.find((n) => n.id === 'fused:relu')!;
    expect(relu.members.map((m) => m.id)).toEqual(['dq2', 'relu']);
    expect(d.nodes.map((n) => n.id)).toEqual(['in', 'q', 'fused:conv', 'fused:relu', 'out']);
    expect(d.edges.map((e) => `${e.from}>${e.to}`)).toEqual(['in>q', 'q>fused:conv', 'fused:conv>fused:relu', 'fused:relu>out']);
  });

  it('leaves a DequantizeLinear that feeds two operators out of both groups', () => {
    const shared: ModelGraph = { ...qdq, nodes: [...qdq.nodes, gn('add', 'Add')], edges: [...qdq.edges, ge('dq', 'add')] };
    const d = fuseQdqGroups(shared);
    expect(d.nodes.some((n) => n.id === 'dq')).toBe(true);
    expect(d.nodes.find((n) => n.id === 'fused:conv')!.members.map((m) => m.id)).toEqual(['conv', 'q2']);
  });

  it('finds nodes by op type or name, case-insensitively, inside fused groups too', () => {
    expect(searchNodes(displayGraph(qdq, false), 'quantize').map((n) => n.id)).toEqual(['q', 'dq', 'q2', 'dq2']);
    expect(searchNodes(displayGraph(qdq, true), 'CONV_').map((n) => n.id)).toEqual(['fused:conv']);
    expect(searchNodes(displayGraph(qdq, true), '  ')).toEqual([]);
  });
});

describe('weights and quantization in the graph', () => {
  it('summarises values in one pass: min, max, mean, population std, share of zeros', () => {
    expect(valueStats([0, 0, 2, 4, -2])).toEqual({ count: 5, min: -2, max: 4, mean: 0.8, std: expect.closeTo(Math.sqrt(4.16), 6), sparsity: 0.4 });
  });

  it('gives each LeNet-5 weight its statistics, and an int8 LeNet-5 its scales and zero points', async () => {
    const fp32 = modelGraph(loadModelFile(LENET_FIXTURE), 'LeNet-5');
    const conv = fp32.nodes.find((n) => n.opType === 'Conv')!;
    const w = conv.weights.find((x) => x.shape.length === 4)!;
    expect(w.stats!.count).toBe(w.shape.reduce((a, b) => a * b, 1));
    expect(w.stats!.min).toBeLessThan(0);
    expect(w.stats!.std).toBeGreaterThan(0);
    const { model } = await quantizeStatic(lenet(), mnistCalibration(32), { target: 'x86-vnni', perChannel: true, verify: false, sqnrSamples: 0 });
    const int8 = modelGraph(model, 'LeNet-5 int8');
    const q = int8.nodes.find((n) => n.opType === 'QuantizeLinear')!;
    expect(q.quant!.channels).toBe(1);
    expect(q.quant!.scale[0]).toBeGreaterThan(0);
    const qconv = int8.nodes.find((n) => n.opType === 'Conv')!;
    const qw = qconv.weights.find((x) => x.quant)!;
    expect(qw.quant!.channels).toBe(qw.shape[0]); // per output channel
    expect(qw.stats!.std).toBeGreaterThan(0); // dequantized values, not the int8 codes
    expect(Math.abs(qw.stats!.max)).toBeLessThan(10);
    const fused = fuseQdqGroups(int8);
    expect(fused.fusedGroups).toBeGreaterThanOrEqual(4);
    expect(fused.nodes.length).toBeLessThan(int8.nodes.length);
  }, 120_000);
});

describe('models.view', () => {
  const folder = mkdtempSync(join(tmpdir(), 'whittle-view-'));
  const model = join(folder, 'lenet.onnx');
  copyFileSync(LENET_FIXTURE, model);
  writeFileSync(join(folder, 'notes.txt'), 'hello');
  writeFileSync(join(folder, 'broken.onnx'), 'not a model');
  const api = createApiService({ door: 'browser', home: mkdtempSync(join(tmpdir(), 'whittle-home-')), workspace: folder, fileScope: [folder], startupDocument: null });

  it('opens an .onnx inside the roots with its graph and statistics', async () => {
    const res = await api.call('models.view', { path: model });
    if (res.canceled) throw new Error('not expected');
    expect(res.graph.nodes.filter((n) => n.opType === 'Conv')).toHaveLength(2);
    expect(res.inspection.parameters).toBe(61_706);
    expect(res.graph.label).toBe('lenet.onnx');
  });

  it('refuses paths outside the roots, files that are not .onnx, missing and broken models, and a door without a dialog asking for one', async () => {
    await expect(api.call('models.view', { path: LENET_FIXTURE })).rejects.toMatchObject({ code: 'files.outside-roots' });
    await expect(api.call('models.view', { path: join(folder, 'notes.txt') })).rejects.toMatchObject({ code: 'models.not-onnx' });
    await expect(api.call('models.view', { path: join(folder, 'missing.onnx') })).rejects.toMatchObject({ code: 'models.not-found' });
    await expect(api.call('models.view', { path: join(folder, 'broken.onnx') })).rejects.toMatchObject({ code: 'onnx.corrupt' });
    await expect(api.call('models.view', {})).rejects.toMatchObject({ code: 'models.path-required' });
  });
});

describe('viewer plumbing', () => {
  it('reads the model `whittle view` puts in the address, and nothing else', () => {
    expect(modelFromAddress('#view=%2Ftmp%2Fmy%20model.onnx')).toBe('/tmp/my model.onnx');
    expect(modelFromAddress('')).toBeNull();
    expect(modelFromAddress('#other=1')).toBeNull();
  });

  it('hands requests to every listener until it unsubscribes', () => {
    const seen: (string | null)[] = [];
    const off = onModelViewRequest((p) => seen.push(p));
    requestModelView('/a.onnx');
    requestModelView(null);
    off();
    requestModelView('/b.onnx');
    expect(seen).toEqual(['/a.onnx', null]);
  });

  it('sizes boxes so a bold title fits, within bounds', () => {
    expect(nodeSize(['DequantizeLinear', 'qd1']).width).toBeGreaterThanOrEqual('DequantizeLinear'.length * 7.6);
    expect(nodeSize(['Add']).width).toBe(96);
    expect(nodeSize(['Conv', 'x'.repeat(200)]).width).toBe(260);
    expect(nodeSize(['Conv', 'name', 'weights']).height).toBe(3 * 14 + 10);
  });

  it('splits an example name into its model and steps for the gallery', () => {
    expect(exampleHeadline('MobileNetV2: train -> prune -> quantize')).toEqual({ model: 'MobileNetV2', steps: ['train', 'prune', 'quantize'] });
    expect(exampleHeadline('Just a name')).toEqual({ model: 'Just a name', steps: [] });
    expect(exampleHeadline('LeNet-5: Deep Compression (prune -> fine-tune -> pack)')).toEqual({ model: 'LeNet-5 · Deep Compression', steps: ['prune', 'fine-tune', 'pack'] });
  });
});
