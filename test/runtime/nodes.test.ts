// The dataset, evaluate and benchmark node handlers, called alone with a hand-made NodeContext.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HANDLERS } from '../../src/main/engine/handlers/index.ts';
import type { NodeContext } from '../../src/main/engine/handler.ts';
import { findKind } from '../../src/shared/catalog/index.ts';
import type { DatasetValue, ModelValue, Params, PortValue } from '../../src/shared/catalog/types.ts';
import { checkParamValue } from '../../src/shared/pipeline/params.ts';
import { isWhittleError } from '../../src/shared/errors.ts';
import { LENET_FIXTURE } from '../fixtures-path.ts';

const lenetPath = LENET_FIXTURE;
const lenet: ModelValue = { type: 'model', path: lenetPath, sha256: 'x', sizeBytes: readFileSync(lenetPath).length, label: 'LeNet-5' };
const KINDS = ['dataset.mnist', 'dataset.images', 'dataset.tensors', 'dataset.synthetic', 'evaluate', 'benchmark'];

function context(kind: string, params: Params, inputs: Record<string, PortValue | undefined> = {}, documentDir = tmpdir()): NodeContext & { progressLog: number[] } {
  const spec = findKind(kind)!;
  const defaults: Params = Object.fromEntries(Object.entries(spec.params).map(([k, p]) => [k, p.default]));
  const progressLog: number[] = [];
  return {
    nodeId: 'n1', params: { ...defaults, ...params }, inputs, documentDir,
    workDir: mkdtempSync(join(tmpdir(), 'whittle-node-')), signal: new AbortController().signal,
    progress: (v) => { progressLog.push(v); }, log: () => undefined, report: () => undefined, progressLog,
  };
}

describe('runtime node kinds', () => {
  it('are registered with a handler, and every default passes its own param check', () => {
    for (const kind of KINDS) {
      const spec = findKind(kind);
      expect(spec, kind).toBeDefined();
      expect(HANDLERS[kind], kind).toBeTypeOf('function');
      for (const [name, p] of Object.entries(spec!.params)) {
        expect(p.help.length, `${kind}.${name} help`).toBeGreaterThan(10);
        if (p.type === 'path' && !p.optional) continue; // a required path has no sensible default
        expect(checkParamValue(p, p.default), `${kind}.${name}`).toBeNull();
      }
    }
  });

  it('dataset.mnist -> evaluate gives 96.11% on the test split', async () => {
    const ds = await HANDLERS['dataset.mnist'](context('dataset.mnist', { split: 'test' }));
    const value = ds.outputs.dataset as DatasetValue;
    expect(value).toMatchObject({ type: 'dataset', source: 'mnist', size: 2004, sampleShape: [1, 28, 28] });
    expect(ds.metrics.samples).toBe(2004);
    const ctx = context('evaluate', {}, { model: lenet, dataset: value, reference: lenet });
    const r = await HANDLERS.evaluate(ctx);
    expect(r.metrics.top1).toBeCloseTo(0.9611, 4);
    expect(r.metrics.agreement).toBe(1);
    expect(r.metrics.sqnrDb).toBe('inf');
    expect(JSON.parse(JSON.stringify(r)).metrics.sqnrDb).toBe('inf');
    expect(r.outputs.metrics).toMatchObject({ type: 'metrics' });
    expect(ctx.progressLog[ctx.progressLog.length - 1]).toBe(2004);
    console.log(`evaluate node: top-1 ${((r.metrics.top1 as number) * 100).toFixed(2)}% on MNIST test`);
  });

  it('evaluate names a missing input and a dataset that does not fit', async () => {
    const missing = await HANDLERS.evaluate(context('evaluate', {}, { model: lenet })).catch((e: unknown) => e);
    expect(isWhittleError(missing, 'node.missing-input')).toBe(true);
    expect((missing as Error).message).toContain("'dataset'");
    const syn = await HANDLERS['dataset.synthetic'](context('dataset.synthetic', { shape: '3, 32, 32', count: 4 }));
    const bad = await HANDLERS.evaluate(context('evaluate', {}, { model: lenet, dataset: syn.outputs.dataset })).catch((e: unknown) => e);
    expect(isWhittleError(bad, 'runtime.shape-mismatch')).toBe(true);
  });

  it('benchmark reports latency figures and their distribution', async () => {
    const r = await HANDLERS.benchmark(context('benchmark', { runs: 20, warmupRuns: 2 }, { model: lenet }));
    expect(r.metrics.runs).toBe(20);
    expect(r.metrics.p50Ms as number).toBeGreaterThan(0);
    expect(r.metrics.p99Ms as number).toBeGreaterThanOrEqual(r.metrics.p50Ms as number);
    const report = r.reports!.find((x) => x.kind === 'benchmark.latency')!.data as { histogram: { count: number }[] };
    expect(report.histogram.reduce((a, b) => a + b.count, 0)).toBe(20);
    const shaped = await HANDLERS.benchmark(context('benchmark', { runs: 3, warmupRuns: 0, inputShape: '2, 1, 28, 28' }, { model: lenet }));
    expect(shaped.metrics.runs).toBe(3);
  });

  it('dataset.tensors resolves a path relative to the document and fingerprints the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'whittle-tensors-'));
    const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    const padded = header + ' '.repeat(128 - 10 - header.length - 1) + '\n';
    const bytes = Buffer.concat([Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length, 0]), Buffer.from(padded, 'latin1'), Buffer.from(new Float32Array([1, 2, 3, 4, 5, 6]).buffer)]);
    writeFileSync(join(dir, 'x.npy'), bytes);
    const r = await HANDLERS['dataset.tensors'](context('dataset.tensors', { path: 'x.npy' }, {}, dir));
    const v = r.outputs.dataset as DatasetValue;
    expect(v).toMatchObject({ source: 'tensors', size: 2, sampleShape: [3] });
    expect(v.options.path).toBe(join(dir, 'x.npy'));
    expect(String(v.options.fingerprint)).toMatch(/^\d+:\d+/);
    expect(r.metrics.labelled).toBe(false);
  });
});
