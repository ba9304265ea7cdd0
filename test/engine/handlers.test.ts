// model.onnx and export called alone with a hand-made NodeContext.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { NodeContext } from '../../src/main/engine/handler.ts';
import { modelOnnx } from '../../src/main/engine/handlers/model-onnx.ts';
import { exportModel } from '../../src/main/engine/handlers/export.ts';
import type { ModelValue, Params, PortValue } from '../../src/shared/catalog/types.ts';

const MODELS = fileURLToPath(new URL('../../resources/models/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'whittle-handlers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function context(params: Params, inputs: Record<string, PortValue> = {}, extra: Partial<NodeContext> = {}): NodeContext & { progressSeen: number[] } {
  const workDir = mkdtempSync(join(dir, 'work-'));
  const progressSeen: number[] = [];
  return {
    nodeId: 'n', params, inputs, documentDir: MODELS, workDir, signal: new AbortController().signal,
    progress: (v, max) => progressSeen.push(v / max), log: () => {}, report: () => {}, progressSeen, ...extra,
  };
}

describe('model.onnx handler', () => {
  it('reports the interface, opset, parameters and size, and copies the file into its workDir', async () => {
    const ctx = context({ path: 'lenet5-mnist.onnx' });
    const result = await modelOnnx(ctx);
    const bytes = readFileSync(join(MODELS, 'lenet5-mnist.onnx'));
    expect(result.metrics).toMatchObject({ parameters: 61706, sizeBytes: bytes.length, opset: 13, nodes: 12 });
    const model = result.outputs.model as ModelValue;
    expect(model.path.startsWith(ctx.workDir)).toBe(true);
    expect(readFileSync(model.path).equals(bytes)).toBe(true);
    expect(model.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(ctx.progressSeen.at(-1)).toBe(1);
  });

  it('fails clearly for a missing or non-ONNX file', async () => {
    await expect(modelOnnx(context({ path: 'nope.onnx' }))).rejects.toMatchObject({ code: 'onnx.unreadable' });
    writeFileSync(join(dir, 'text.onnx'), 'this is not protobuf at all');
    await expect(modelOnnx(context({ path: join(dir, 'text.onnx') }))).rejects.toMatchObject({ code: expect.stringMatching(/^onnx\./) });
  });
});

describe('export handler', () => {
  const lenet = join(MODELS, 'lenet5-mnist.onnx');
  const bytes = readFileSync(lenet);
  const input: ModelValue = { type: 'model', path: lenet, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length, label: 'lenet' };

  it('writes the model under outputDir, creating folders', async () => {
    const out = join(dir, 'exports');
    const result = await exportModel(context({ path: 'a/b/model.onnx', overwrite: true }, { model: input }, { outputDir: out }));
    expect(readFileSync(join(out, 'a/b/model.onnx')).equals(bytes)).toBe(true);
    expect(result.metrics).toMatchObject({ exportedPath: join(out, 'a/b/model.onnx'), sizeBytes: bytes.length });
  });

  it('refuses to overwrite when told not to', async () => {
    mkdirSync(join(dir, 'keep'), { recursive: true });
    writeFileSync(join(dir, 'keep', 'm.onnx'), 'old');
    await expect(exportModel(context({ path: 'm.onnx', overwrite: false }, { model: input }, { outputDir: join(dir, 'keep') }))).rejects.toMatchObject({ code: 'export.exists' });
    expect(readFileSync(join(dir, 'keep', 'm.onnx'), 'utf8')).toBe('old');
  });
});

describe('node cache', () => {
  it('sweeps only old work folders left by crashed runs', async () => {
    const { NodeCache } = await import('../../src/main/engine/cache.ts');
    const cache = new NodeCache(join(dir, 'cache'));
    const fresh = await cache.workDir();
    const stale = join(dir, 'cache', 'tmp', `${Date.now() - 2 * 3600_000}-abcdef`);
    mkdirSync(stale, { recursive: true });
    expect(await cache.sweepTemp()).toBe(1);
    const { existsSync } = await import('node:fs');
    expect([existsSync(fresh), existsSync(stale)]).toEqual([true, false]);
  });
});
