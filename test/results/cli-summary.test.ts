// The CLI's final summary: a table per variant (accuracy, size, MACs, latency, against the
// baseline) in the app's units, from a real run; and the board latency, power and mAP
// columns fed by Profile and detection Evaluate nodes (the same rows the app shows).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiService } from '../../src/main/api/service.ts';
import { modelTable, runSummary, shortVariant } from '../../src/main/cli/summary.ts';
import type { RunRecord } from '../../src/shared/api/run.ts';
import { modelRows } from '../../src/shared/results/rows.ts';
import { visibleColumns } from '../../src/shared/results/table.ts';
import { LENET_FIXTURE } from '../fixtures-path.ts';

const node = (id: string, kind: string, params: Record<string, unknown> = {}) => ({ id, kind, params, position: { x: 0, y: 0 } });
const edge = (a: string, ap: string, b: string, bp: string) => ({ from: [a, ap], to: [b, bp] });

describe('whittle run summary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'whittle-summary-'));
  const api = createApiService({ door: 'cli', home: join(dir, 'home') });
  afterAll(() => { api.dispose(); rmSync(dir, { recursive: true, force: true }); });

  it('prints a table per variant with accuracy, size in KB, MACs, latency and the difference from the baseline', async () => {
    const doc = {
      format: 'whittle.pipeline', version: 1, name: 'LeNet summary',
      nodes: [node('m', 'model.onnx', { path: LENET_FIXTURE }), node('d', 'dataset.mnist', { split: 'test', limit: 128 }), node('p', 'prune', { sparsity: 0.5 }),
        node('q', 'quantize', { mode: 'dynamic' }), node('em', 'evaluate'), node('eq', 'evaluate'), node('bm', 'benchmark', { runs: 20 }), node('bq', 'benchmark', { runs: 20 })],
      edges: [edge('m', 'model', 'p', 'model'), edge('p', 'model', 'q', 'model'), edge('m', 'model', 'em', 'model'), edge('d', 'dataset', 'em', 'dataset'),
        edge('q', 'model', 'eq', 'model'), edge('d', 'dataset', 'eq', 'dataset'), edge('m', 'model', 'bm', 'model'), edge('q', 'model', 'bq', 'model')],
    };
    const { document } = await api.call('pipeline.parse', { text: JSON.stringify(doc) });
    const { runId } = await api.call('runs.start', { document: document!, documentPath: null, outDir: dir });
    const record = await api.ctx.runner.wait(runId);
    expect(record.status).toBe('done');
    const text = runSummary(record);
    if (process.env.WHITTLE_PRINT_SUMMARY) console.log(text);
    expect(text).not.toMatch(/KiB|MiB/);
    const lines = text.split('\n');
    const head = lines.findIndex((l) => l.startsWith('Models (baseline: lenet5'));
    expect(head).toBeGreaterThan(0);
    expect(lines[head + 1]).toMatch(/Variant\s+Top-1\s+Size\s+MACs\s+Latency p50 \(host\)\s+vs baseline/);
    expect(lines[head + 2]).toMatch(/^ {2}lenet5[\w-]*\s+\d{2}\.\d{2} %\s+242\.6 KB\s+416\.5 k\s+\d+\.\d+ ms\s+baseline$/);
    const q = lines.find((l) => /· (50% sparse|…) · int8/.test(l))!;
    expect(q).toMatch(/\d{2,3}\.\d{2} %\s+\d+\.\d KB\s+\d+\.\d k\s+\d+\.\d+ ms\s+\d+(\.\d+)?× smaller, ([+−]\d\.\d|±0\.0) pt, (same MACs|\d+(\.\d+)?× fewer MACs), (\d+(\.\d+)?× (faster|slower)|same speed)/);
    // The pruned model has no evaluation: its cells say so rather than 0.
    expect(lines.find((l) => /· 50% sparse\s/.test(l))).toMatch(/—/);
  }, 120_000);
});

describe('board and detection columns', () => {
  const model = (label: string, sizeBytes: number) => ({ type: 'model' as const, path: `/nowhere/${label}.onnx`, sha256: label, sizeBytes, label });
  type NodeRec = RunRecord['nodes'][string];
  const rec = (nodeId: string, kind: string, outputs: NodeRec['outputs'], metrics: NodeRec['metrics'] = {}, params: Record<string, unknown> = {}): NodeRec =>
    ({ nodeId, kind, status: 'done', metrics, reports: [], warnings: [], outputs, artifacts: [], params });
  const record: RunRecord = {
    id: 'r', status: 'done', name: 'YOLO on a board', startedAt: '', documentPath: null,
    versions: { whittle: '', onnxruntime: '', node: '' }, host: { cpu: '', cores: 1, platform: '', arch: '', memoryBytes: 0 },
    order: ['m', 'q', 'em', 'eq', 'pm', 'pq'],
    document: {
      format: 'whittle.pipeline', version: 2, name: 'YOLO on a board', nodes: [],
      edges: [edge('m', 'model', 'q', 'model'), edge('m', 'model', 'em', 'model'), edge('q', 'model', 'eq', 'model'), edge('m', 'model', 'pm', 'model'), edge('q', 'model', 'pq', 'model')],
    } as unknown as RunRecord['document'],
    nodes: {
      m: rec('m', 'model.onnx', { model: model('yolo', 12_000_000) }),
      q: rec('q', 'quantize', { model: model('yolo · int8', 3_300_000) }, { mode: 'static', layersInt8: 60, layersTotal: 60 }),
      em: rec('em', 'evaluate', {}, { map: 0.372, map50: 0.55 }),
      eq: rec('eq', 'evaluate', {}, { map: 0.361, map50: 0.54, agreement: 0.97, sqnrDb: 24.1, reference: 'yolo', referenceImplied: true }),
      pm: rec('pm', 'profile', {}, { board: 'Orin Nano', runner: 'trtexec', threads: 1, p50Ms: 12.4, avgPowerMw: 6200, energyPerInferenceMj: 77 }, { runs: 200 }),
      pq: rec('pq', 'profile', {}, { board: 'Orin Nano', runner: 'trtexec', threads: 1, p50Ms: 5.9, avgPowerMw: 5100, energyPerInferenceMj: 30 }, { runs: 200 }),
    },
  };

  it('fills board latency, power, energy and mAP from Profile and Evaluate nodes', () => {
    const rows = modelRows(record);
    expect(rows[1]).toMatchObject({ boardLatencyMs: 5.9, boardPowerMw: 5100, boardEnergyMj: 30, boardName: 'Orin Nano', mapValue: 0.361, map50: 0.54, agreement: 0.97 });
    expect(rows[1].boardSettings).toBe('Orin Nano: 1 thread · batch 1 · 200 runs · trtexec');
    expect(rows[1].agreementNote).toContain('unmodified model (yolo)');
    const ids = visibleColumns(rows, () => undefined).map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['map', 'map50', 'boardLatency', 'boardPower', 'boardEnergy', 'agreement', 'sqnr']));
    expect(ids).not.toContain('top1');
  });

  it('prints mAP and board latency in the CLI table when that is what was measured', () => {
    const lines = modelTable(record, () => undefined);
    expect(lines[1]).toMatch(/Variant\s+mAP 50–95\s+Size\s+MACs\s+Latency p50 \(board\)\s+vs baseline/);
    expect(lines[2]).toMatch(/yolo\s+37\.20 %\s+11\.4 MB\s+—\s+12\.4 ms\s+baseline/);
    expect(lines[3]).toMatch(/36\.10 %\s+3\.1 MB\s+—\s+5\.90 ms\s+3\.6× smaller, −1\.1 pt, 2\.1× faster/);
  });

  it('drops whole middle steps from long variant names, so sibling rows keep the last step that tells them apart', () => {
    const long = 'mobilenet_v3_small-random · 70% sparse · k=16 on 54 layers';
    const siblings: RunRecord = {
      ...record, order: ['m', 'a', 'b'],
      document: { ...record.document, edges: [edge('m', 'model', 'a', 'model'), edge('m', 'model', 'b', 'model')] } as RunRecord['document'],
      nodes: {
        m: rec('m', 'model.onnx', { model: model(long, 10_000_000) }),
        a: rec('a', 'pack', { model: model(`${long} · packed`, 600_000) }),
        b: rec('b', 'pack', { model: model(`${long} · packed for TensorRT`, 10_000_000) }),
      },
    };
    const variants = modelTable(siblings, () => undefined).slice(2).map((l) => l.trim().split(/\s{2,}/)[0]);
    expect(variants).toEqual(['mobilenet_v3_small-random · … · k=16 on 54 layers', 'mobilenet_v3_small-random · … · packed', 'mobilenet_v3_small-random · … · packed for TensorRT']);
    for (const v of variants) expect(v.length).toBeLessThanOrEqual(56);
    // A label with one endless step is cut in its characters' middle.
    expect(shortVariant('x'.repeat(40) + 'y'.repeat(40), 21)).toBe('xxxxxxxxxx…yyyyyyyyyy');
  });

  it('names the node of rows whose chains read the same (two calibration methods side by side)', () => {
    const metrics = { mode: 'static', layersInt8: 26, layersTotal: 26 };
    const twins: RunRecord = {
      ...record, order: ['m', 'entropy', 'percentile'],
      document: { ...record.document, edges: [edge('m', 'model', 'entropy', 'model'), edge('m', 'model', 'percentile', 'model')] } as RunRecord['document'],
      nodes: {
        m: rec('m', 'model.onnx', { model: model('vit', 600_000) }),
        entropy: rec('entropy', 'quantize', { model: model('vit · int8', 230_000) }, metrics, { method: 'entropy' }),
        percentile: rec('percentile', 'quantize', { model: model('vit · int8', 230_000) }, metrics, { method: 'percentile' }),
      },
    };
    expect(modelRows(twins).map((r) => r.label)).toEqual(['vit', 'vit · int8 26/26 layers (entropy)', 'vit · int8 26/26 layers (percentile)']);
    expect(modelTable(twins, () => undefined).slice(2).map((l) => l.trim().split(/\s{2,}/)[0])).toEqual(['vit', 'vit · int8 26/26 layers (entropy)', 'vit · int8 26/26 layers (percentile)']);
  });
});
