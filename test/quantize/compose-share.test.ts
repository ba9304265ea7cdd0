// Issue 12 item 1: prune -> share -> quantize with every default gives a fully int8 model
// that keeps its sparsity and its clusters (codebook weights are quantized as weights).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { NodeContext } from '../../src/main/engine/handler.ts';
import type { DatasetValue, ModelValue, Params, PortValue } from '../../src/shared/catalog/types.ts';
import { HANDLERS } from '../../src/main/engine/handlers/index.ts';
import { findKind } from '../../src/shared/catalog/index.ts';
import { loadModelFile } from '../../src/main/onnx/file.ts';
import { GraphIndex } from '../../src/main/onnx/graph.ts';
import { tensorToArray } from '../../src/main/onnx/tensor.ts';
import { FIXTURES_DIR, LENET_FIXTURE } from '../fixtures-path.ts';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function context(kind: string, params: Params, inputs: Record<string, PortValue>): NodeContext {
  const spec = findKind(kind)!;
  const defaults = Object.fromEntries(Object.entries(spec.params).map(([k, p]) => [k, p.default]));
  const workDir = mkdtempSync(join(tmpdir(), `whittle-${kind}-`));
  dirs.push(workDir);
  return {
    nodeId: kind, params: { ...defaults, ...params }, inputs, documentDir: FIXTURES_DIR, workDir,
    signal: new AbortController().signal, progress: () => {}, log: () => {}, report: () => {},
  };
}

const bytes = readFileSync(LENET_FIXTURE);
const lenet: ModelValue = { type: 'model', path: LENET_FIXTURE, sha256: createHash('sha256').update(bytes).digest('hex'), sizeBytes: bytes.length, label: 'LeNet-5' };
const calibration: DatasetValue = { type: 'dataset', source: 'mnist', options: { split: 'train', limit: 256 }, label: 'MNIST train' };

describe('prune -> share -> quantize with defaults', () => {
  it('ends with every weighted layer int8, zeros kept and at most k values per layer', async () => {
    const pruned = await HANDLERS.prune(context('prune', {}, { model: lenet }));
    const shared = await HANDLERS.share(context('share', {}, { model: pruned.outputs.model }));
    const k = findKind('share')!.params.k.default as number;
    const q = await HANDLERS.quantize(context('quantize', {}, { model: shared.outputs.model, calibration }));
    expect(q.metrics.layersTotal).toBe(5);
    expect(q.metrics.layersInt8).toBe(5);
    expect(q.metrics.codebookWeights).toBe(5);
    expect(q.warnings?.join('\n') ?? '').not.toMatch(/codebook/);

    const before = loadModelFile((pruned.outputs.model as ModelValue).path);
    const beforeIndex = new GraphIndex(before.graph);
    const zerosBefore = new Map(before.graph.node.filter((n) => ['Conv', 'Gemm'].includes(n.opType)).map((n) => {
      const w = tensorToArray(beforeIndex.initializers.get(n.input[1])!) as Float32Array;
      return [n.name, w.filter((v) => v === 0).length];
    }));
    const m = loadModelFile((q.outputs.model as ModelValue).path);
    const index = new GraphIndex(m.graph);
    expect(m.graph.node.some((n) => n.opType === 'Gather')).toBe(false);
    const weighted = m.graph.node.filter((n) => ['Conv', 'Gemm'].includes(n.opType));
    expect(weighted).toHaveLength(5);
    let zeros = 0;
    let total = 0;
    for (const layer of weighted) {
      // Weight input: DequantizeLinear of an int8 initializer with one scale (per-layer codebook).
      const dq = index.producer.get(layer.input[1])!;
      expect(dq.opType).toBe('DequantizeLinear');
      const w = index.initializers.get(dq.input[0])!;
      expect(w.dataType).toBe(3); // INT8
      expect(index.initializers.get(dq.input[1])!.dims).toHaveLength(0);
      const values = Array.from(tensorToArray(w) as Int8Array);
      expect(new Set(values).size).toBeLessThanOrEqual(k);
      // Every pruned weight is still exactly zero.
      const z = values.filter((v) => v === 0).length;
      expect(z).toBeGreaterThanOrEqual(zerosBefore.get(layer.name)!);
      zeros += z;
      total += values.length;
    }
    expect(zeros / total).toBeGreaterThanOrEqual(0.5);
    expect(q.metrics.outputSqnrDb as number).toBeGreaterThan(15);
  }, 120_000);
});
