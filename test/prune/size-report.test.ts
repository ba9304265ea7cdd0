// The prune/share size report: parameters and MACs as modelStats counts them, stored bytes
// of exactly the tensors a layer reads, and a tensor shared by layers counted once.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeModel, type Tensor } from '../../src/main/onnx/model.ts';
import { GraphIndex } from '../../src/main/onnx/graph.ts';
import { onnx } from '../../src/main/onnx/proto.ts';
import { resolveInitializer } from '../../src/main/passes/prune/layers.ts';
import { sizeReport } from '../../src/main/passes/prune/size-report.ts';
import { clusterWeights } from '../../src/main/passes/share/cluster.ts';
import { FIXTURES_DIR, MOBILENET_FIXTURE } from '../fixtures-path.ts';

const encodedBytes = (t: Tensor): number => onnx.TensorProto.encode(t as onnx.TensorProto).finish().length;

describe('size report', () => {
  it('per-channel clustered LeNet-5: logical params, hand-computed MACs, bytes of codebook + indices + offsets + bias', async () => {
    const lenet = decodeModel(readFileSync(`${FIXTURES_DIR}/lenet5-mnist-trained.onnx`));
    const model = clusterWeights(lenet, { k: 16, perChannel: true }).model;
    const r = await sizeReport(model);
    expect(r.layers.map((l) => l.layer)).toEqual(['/c1/Conv', '/c2/Conv', '/f1/Gemm', '/f2/Gemm', '/f3/Gemm']);
    expect(r.layers.map((l) => l.params)).toEqual([6 * 25 + 6, 16 * 6 * 25 + 16, 400 * 120 + 120, 120 * 84 + 84, 84 * 10 + 10]);
    expect(r.layers.map((l) => l.macs)).toEqual([28 * 28 * 6 * 25, 10 * 10 * 16 * 6 * 25, 400 * 120, 120 * 84, 84 * 10]);
    for (const l of r.layers) {
      const prefix = l.layer.split('/')[1];
      const stored = model.graph.initializer.filter((t) => t.name.startsWith(`${prefix}.`));
      expect(stored.map((t) => t.name).sort()).toEqual([`${prefix}.bias`, `${prefix}.weight.codebook`, `${prefix}.weight.indices`, `${prefix}.weight.offsets`]);
      expect(l.storedBytes).toBe(stored.reduce((a, t) => a + encodedBytes(t), 0));
      expect(l.bitsPerWeight).toBeCloseTo((l.storedBytes * 8) / l.params, 10);
    }
  });

  it('MobileNetV2 fixture: biases shared through Identity are counted once, in params and in bytes', async () => {
    const model = decodeModel(readFileSync(MOBILENET_FIXTURE));
    const index = new GraphIndex(model.graph);
    const read = new Map<string, Tensor>();
    let reads = 0;
    for (const n of model.graph.node) {
      if (n.opType !== 'Conv' && n.opType !== 'Gemm') continue;
      for (const v of n.input.slice(1)) {
        const t = v ? resolveInitializer(index, v) : undefined;
        if (t) { read.set(t.name, t); reads++; }
      }
    }
    const tensors = [...read.values()];
    const r = await sizeReport(model);
    expect(r.params).toBe(tensors.reduce((a, t) => a + t.dims.reduce((x, y) => x * Number(y), 1), 0));
    expect(r.layers.reduce((a, l) => a + l.storedBytes, 0)).toBe(tensors.reduce((a, t) => a + encodedBytes(t), 0));
    // Some bias really is shared, so counting per layer would give more.
    expect(reads).toBeGreaterThan(tensors.length);
  });
});
