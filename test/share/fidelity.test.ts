// Issue 12 item 2 for share and prune: with validation data connected, the node measures its
// result against its input and a result under the floor ends with a warning naming the layer
// where it starts and the param that spares it; a faithful one ends clean.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NodeContext } from '../../src/main/engine/handler.ts';
import type { DatasetValue, ModelValue, Params, PortValue } from '../../src/shared/catalog/types.ts';
import { HANDLERS } from '../../src/main/engine/handlers/index.ts';
import { findKind } from '../../src/shared/catalog/index.ts';
import { FIXTURES_DIR, LENET_FIXTURE } from '../fixtures-path.ts';
import { loadModelFile, saveModelFile } from '../../src/main/onnx/file.ts';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function context(kind: string, params: Params, inputs: Record<string, PortValue>): NodeContext {
  const spec = findKind(kind)!;
  const defaults = Object.fromEntries(Object.entries(spec.params).map(([k, p]) => [k, p.default]));
  const workDir = mkdtempSync(join(tmpdir(), `whittle-${kind}-fidelity-`));
  dirs.push(workDir);
  return {
    nodeId: kind, params: { ...defaults, ...params }, inputs, documentDir: FIXTURES_DIR, workDir,
    signal: new AbortController().signal, progress: () => {}, log: () => {}, report: () => {},
  };
}

const lenet: ModelValue = { type: 'model', path: LENET_FIXTURE, sha256: 'x', sizeBytes: readFileSync(LENET_FIXTURE).length, label: 'LeNet-5' };
const validation: DatasetValue = { type: 'dataset', source: 'mnist', options: { split: 'test', limit: 256 }, label: 'MNIST test' };

describe('fidelity check of share and prune', () => {
  it('share with k=2 is under the floor on real samples: a warning with the layer and the param', async () => {
    const r = await HANDLERS.share(context('share', { k: 2 }, { model: lenet, validation }));
    expect(r.metrics.fidelityOn).toMatch(/64 samples of/);
    expect(r.metrics.outputSqnrDb as number).toBeLessThan(15);
    const w = r.warnings!.find((x) => x.startsWith('The shared model is under the fidelity floor'));
    expect(w).toMatch(/it starts at (Conv|Gemm) '\/\w+\/\w+' \(.* dB at its output\): give it more clusters \(k above 2\)/);
  }, 60_000);

  it('share and prune with defaults stay above the floor and end clean', async () => {
    const s = await HANDLERS.share(context('share', {}, { model: lenet, validation }));
    expect(s.metrics.top1Agreement as number).toBeGreaterThanOrEqual(0.9);
    expect(s.warnings).toEqual([]);
    const p = await HANDLERS.prune(context('prune', {}, { model: lenet, validation }));
    expect(p.metrics.outputSqnrDb as number).toBeGreaterThanOrEqual(15);
    expect(p.warnings).toEqual([]);
  }, 60_000);

  it('a model that cannot be fed random inputs (free spatial axes) ends with a warning saying it was not checked, and the fix', async () => {
    const m = loadModelFile(LENET_FIXTURE);
    const dims = m.graph.input[0].type!.tensorType!.shape!.dim!;
    dims[2] = { dimParam: 'H' };
    dims[3] = { dimParam: 'W' };
    const dir = mkdtempSync(join(tmpdir(), 'whittle-free-axes-'));
    dirs.push(dir);
    const path = join(dir, 'free.onnx');
    saveModelFile(m, path);
    const r = await HANDLERS.share(context('share', {}, { model: { ...lenet, path } }));
    expect(r.metrics.fidelityOn).toBe('not measured');
    expect(r.warnings!.some((w) => /^The shared model could not be checked against its input: .*Connect validation data/.test(w))).toBe(true);
  }, 60_000);
});
