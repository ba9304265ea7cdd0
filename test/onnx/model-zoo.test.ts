// The model.zoo node, called alone with a hand-made NodeContext: every architecture builds,
// ONNX Runtime runs the saved file, the same seed gives the same bytes.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { modelZoo } from '../../src/main/engine/handlers/model-zoo.ts';
import { HANDLERS } from '../../src/main/engine/handlers/index.ts';
import type { NodeContext } from '../../src/main/engine/handler.ts';
import { findKind } from '../../src/shared/catalog/index.ts';
import type { ModelValue, Params } from '../../src/shared/catalog/types.ts';
import { checkParamValue } from '../../src/shared/pipeline/params.ts';
import { isWhittleError } from '../../src/shared/errors.ts';
import { createSession, ort } from '../../src/main/runtime/session.ts';

function context(params: Params): NodeContext {
  const spec = findKind('model.zoo')!;
  const defaults: Params = Object.fromEntries(Object.entries(spec.params).map(([k, p]) => [k, p.default]));
  return {
    nodeId: 'zoo', params: { ...defaults, ...params }, inputs: {}, documentDir: tmpdir(),
    workDir: mkdtempSync(join(tmpdir(), 'whittle-zoo-')), signal: new AbortController().signal,
    progress: () => undefined, log: () => undefined, report: () => undefined,
  };
}

describe('model.zoo node', () => {
  it('is registered, and every default passes its own param check', () => {
    const spec = findKind('model.zoo')!;
    expect(HANDLERS['model.zoo']).toBe(modelZoo);
    for (const [name, p] of Object.entries(spec.params)) expect(checkParamValue(p, p.default), name).toBeNull();
    expect(checkParamValue(spec.params.hidden, '128, 64')).toBeNull();
    expect(checkParamValue(spec.params.hidden, '128;x')).not.toBeNull();
  });

  const cases: [Params, number[], number][] = [
    [{ arch: 'mlp', hidden: '32,16', classes: 10 }, [2, 1, 28, 28], 784 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10],
    [{ arch: 'lenet5' }, [2, 1, 28, 28], 61706],
    [{ arch: 'mobilenetv2', width: 0.35, inputSize: 32, classes: 5 }, [1, 3, 32, 32], 0],
    [{ arch: 'resnet-small', inputSize: 32, classes: 4, batchNorm: false }, [1, 3, 32, 32], 0],
  ];
  for (const [params, dims, expectedParams] of cases) {
    it(`builds ${String(params.arch)} that ONNX Runtime runs`, async () => {
      const result = await modelZoo(context(params));
      const model = result.outputs.model as ModelValue;
      const bytes = readFileSync(model.path);
      expect(model.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(model.sizeBytes).toBe(bytes.length);
      if (expectedParams) expect(result.metrics.parameters).toBe(expectedParams);
      expect(result.metrics.macs as number).toBeGreaterThan(0);
      const session = await createSession(model.path);
      const count = dims.reduce((a, b) => a * b, 1);
      const out = await session.run({ input: new ort.Tensor('float32', new Float32Array(count).fill(0.5), dims) });
      expect(out.logits.dims).toEqual([dims[0], Number(params.classes ?? 10)]);
    });
  }

  it('the same seed gives the same file, another seed another one', async () => {
    const sha = async (seed: number) => ((await modelZoo(context({ arch: 'lenet5', seed }))).outputs.model as ModelValue).sha256;
    expect(await sha(3)).toBe(await sha(3));
    expect(await sha(3)).not.toBe(await sha(4));
  });

  it('refuses bad hidden widths and unknown architectures with the node id', async () => {
    const bad = await modelZoo(context({ arch: 'mlp', hidden: '0,5' })).catch((e: unknown) => e);
    expect(isWhittleError(bad, 'model-zoo.bad-hidden')).toBe(true);
    const unknown = await modelZoo(context({ arch: 'vgg' })).catch((e: unknown) => e);
    expect(isWhittleError(unknown, 'builder.unknown-arch')).toBe(true);
    expect((unknown as { nodeId?: string }).nodeId).toBe('zoo');
  });
});
