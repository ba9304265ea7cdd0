// Each storage form round-trips through ONNX Runtime on builder models: the packed file
// loads and gives the unpacked model's outputs (bit for bit, except INT4 whose kernels may
// sum differently), holds the form it claims, and TensorRT never gets 4-bit or sparse forms.
// Bit-packed codebooks (1 or 2 bits an index) unpack with opset-11 ops inside the graph.
import { describe, expect, it } from 'vitest';
import { buildLeNet5, buildMlp } from '../../src/main/onnx/builder/index.ts';
import { encodeModel, opsetVersion, type Model } from '../../src/main/onnx/model.ts';
import { setInitializer } from '../../src/main/onnx/graph.ts';
import { DataType } from '../../src/main/onnx/proto.ts';
import { float32Tensor, tensorToFloat32 } from '../../src/main/onnx/tensor.ts';
import { packModel, tensorRtUnsupported } from '../../src/main/passes/pack/pack.ts';
import { packVerified } from '../../src/main/passes/pack/pack-verified.ts';
import { packWarnings } from '../../src/main/engine/handlers/pack.ts';
import { gzipSync } from 'node:zlib';
import { compareOutputs } from '../../src/main/passes/pack/verify.ts';
import { runLengthEntries } from '../../src/main/passes/pack/runlength.ts';
import { codebookOf } from '../../src/main/passes/pack/forms.ts';
import { packBits, unpackBits } from '../../src/main/passes/pack/bitpacked.ts';
import { clusterWeights } from '../../src/main/passes/share/cluster.ts';
import { pruneMagnitude } from '../../src/main/passes/prune/magnitude.ts';
import { seededRandom } from '../../src/main/data/dataset.ts';
import type { StorageForm } from '../../src/shared/reports/pack.ts';

/** An MLP whose weights lie on the 4-bit grid q / 32 (q in -8..7), 85% of them zero: every form applies. */
function gridMlp(): Model {
  const model = buildMlp({ sizes: [784, 64, 10], seed: 3 });
  const rand = seededRandom(5);
  for (const t of [...model.graph.initializer]) {
    if (t.dims.length !== 2) continue;
    const values = tensorToFloat32(t).map(() => (rand() < 0.85 ? 0 : (Math.floor(rand() * 16) - 8) / 32));
    setInitializer(model.graph, float32Tensor(t.name, t.dims.map(Number), values));
  }
  return model;
}

const FORMS: { form: StorageForm; holds: (m: Model) => boolean }[] = [
  { form: 'dense', holds: (m) => m.graph.initializer.some((t) => t.dims.length === 2 && t.dataType === DataType.FLOAT) },
  { form: 'codebook-uint8', holds: (m) => m.graph.initializer.some((t) => t.name.endsWith('.indices') && t.dataType === DataType.UINT8) },
  { form: 'codebook-uint4', holds: (m) => m.graph.initializer.some((t) => t.name.endsWith('.indices') && t.dataType === DataType.UINT4) },
  { form: 'int4', holds: (m) => m.graph.initializer.some((t) => t.dataType === DataType.INT4) && m.graph.node.some((n) => n.opType === 'DequantizeLinear') },
  { form: 'sparse', holds: (m) => m.graph.sparseInitializer.some((s) => s.values?.dataType === DataType.FLOAT) },
  { form: 'sparse-codebook', holds: (m) => m.graph.sparseInitializer.some((s) => s.values?.dataType === DataType.UINT8) },
  { form: 'runlength-codebook', holds: (m) => m.graph.node.some((n) => n.opType === 'ScatterElements') && m.graph.initializer.some((t) => t.dataType === DataType.UINT4) },
];

describe('storage forms in ONNX Runtime', () => {
  const model = gridMlp();
  const unpacked = encodeModel(model);
  for (const { form, holds } of FORMS) {
    it(`${form} round-trips`, async () => {
      // minElements keeps the biases out: every packed tensor is a weight the form can hold.
      const r = packModel(model, { target: 'onnxruntime', objective: 'gzip', forms: [form], minElements: 100 });
      expect(r.tensors.map((t) => t.form)).toEqual([form, form]);
      expect(holds(r.model)).toBe(true);
      const cmp = await compareOutputs(unpacked, encodeModel(r.model));
      if (form === 'int4') expect(cmp.maxAbsDiff).toBeLessThanOrEqual(1e-3 * cmp.maxAbsRef);
      else expect(cmp.identical).toBe(true);
      // 4-bit types (UINT4 indices or codes, INT4) need opset 21; the builder writes 17.
      expect(opsetVersion(r.model)).toBe(['codebook-uint4', 'int4', 'runlength-codebook'].includes(form) ? 21 : 17);
    });
  }

  it('picks the smallest measured form per tensor and says why', () => {
    const r = packModel(model, { target: 'onnxruntime', objective: 'gzip', minElements: 100 });
    for (const t of r.tensors) {
      const measured = t.candidates.filter((c) => c.gzipBytes !== undefined);
      expect(t.gzipBytes).toBe(Math.min(...measured.map((c) => c.gzipBytes!)));
      expect(t.reason).toContain('smallest gzip size');
    }
    const raw = packModel(model, { target: 'onnxruntime', objective: 'raw', minElements: 100 });
    for (const t of raw.tensors) expect(t.rawBytes).toBe(Math.min(...t.candidates.filter((c) => c.rawBytes !== undefined).map((c) => c.rawBytes!)));
  });

  it('refuses INT4 when the values are off the 4-bit grid', () => {
    const r = packModel(buildMlp({ sizes: [784, 32, 10], seed: 1 }), { target: 'onnxruntime', objective: 'gzip', minElements: 100 });
    for (const t of r.tensors) expect(t.candidates.find((c) => c.form === 'int4')?.rejected).toMatch(/4-bit grid/);
  });

  it('keeps 4-bit types out of a model whose opset cannot be raised, and says so', () => {
    const old = gridMlp();
    old.opsetImport[0].version = 11;
    const r = packModel(old, { target: 'onnxruntime', objective: 'gzip', minElements: 100 });
    expect(r.model.graph.initializer.some((t) => t.dataType === DataType.UINT4 || t.dataType === DataType.INT4)).toBe(false);
    expect(r.tensors[0].candidates.find((c) => c.form === 'codebook-uint4')?.rejected).toMatch(/opset 21/);
    expect(opsetVersion(r.model)).toBe(11);
  });
});

describe('run-length entries', () => {
  it('bridge gaps longer than 255 with zero-code fillers and rebuild every position', () => {
    const values = new Float32Array(1200);
    values[0] = 2; values[3] = -1; values[700] = 2; values[1199] = -1;
    const book = codebookOf(values, 16)!;
    const { steps, codes } = runLengthEntries(values, book);
    const rebuilt = new Float32Array(values.length);
    let pos = 0;
    steps.forEach((s, i) => { pos += s; rebuilt[pos] = book[codes[i]]; });
    expect(Array.from(rebuilt)).toEqual(Array.from(values));
    expect(Math.max(...steps)).toBeLessThanOrEqual(255);
  });
});

describe('TensorRT target', () => {
  it('gets no 4-bit, sparse or codebook forms, even from a model that had them', async () => {
    const lenet = buildLeNet5({ seed: 2 });
    const shared = clusterWeights(pruneMagnitude(lenet, { sparsity: 0.9 }).model, { k: 16, storage: 'codebook' }).model;
    const forOrt = packModel(shared, { target: 'onnxruntime', objective: 'gzip' }).model;
    expect(tensorRtUnsupported(forOrt).length).toBeGreaterThan(0);
    const r = packModel(forOrt, { target: 'tensorrt', objective: 'gzip' });
    expect(tensorRtUnsupported(r.model)).toEqual([]);
    expect(r.model.graph.node.some((n) => n.opType === 'Gather' || n.opType === 'ScatterElements')).toBe(false);
    expect(r.tensors.every((t) => t.form === 'dense' || t.form === 'unchanged')).toBe(true);
    const cmp = await compareOutputs(encodeModel(shared), encodeModel(r.model));
    expect(cmp.identical).toBe(true);
  });
});

describe('pack warnings', () => {
  it('say TensorRT got dense storage and why its file grew, naming the first tensors only', async () => {
    const shared = clusterWeights(pruneMagnitude(buildLeNet5({ seed: 3 }), { sparsity: 0.9 }).model, { k: 16, storage: 'codebook', biases: true }).model;
    const r = await packVerified(shared, { target: 'tensorrt', objective: 'gzip' });
    const sizes = (b: Uint8Array) => ({ fileBytes: b.length, gzipBytes: gzipSync(b).length });
    const w = packWarnings(r, sizes(r.bytes), sizes(encodeModel(shared)));
    expect(r.densified.length).toBeGreaterThan(6);
    const dense = w.find((m) => m.startsWith('TensorRT cannot parse'))!;
    expect(dense).toContain(`${r.densified.slice(0, 5).join(', ')} and ${r.densified.length - 5} more tensors were stored dense`);
    expect(dense).not.toContain(r.densified[5]);
    expect(w.some((m) => /^The packed file is \d+\.\d× the size of its input: storage TensorRT cannot parse was expanded/.test(m))).toBe(true);
    expect(w.some((m) => m.includes('already in its smallest form'))).toBe(false);
  });
});

describe('bit-packed codebooks (k <= 4: 2 bits, k = 2: 1 bit)', () => {
  // 101 x 13 and 13 x 10 weights: neither count is a multiple of 4 or 8, so the Slice path runs too.
  const clustered = (k: number, seed: number) => clusterWeights(buildMlp({ sizes: [101, 13, 10], seed }), { k, storage: 'dense', minSize: 100 }).model;
  for (const [form, k, perByte] of [['codebook-2bit', 4, 4], ['codebook-1bit', 2, 8]] as const) {
    it(`${form} round-trips bit for bit at k=${k}, in a quarter or an eighth of a byte an index, at the model's own opset`, async () => {
      const model = clustered(k, 4);
      const r = packModel(model, { target: 'onnxruntime', objective: 'raw', forms: [form], minElements: 100 });
      expect(r.tensors.map((t) => t.form)).toEqual([form, form]);
      for (const t of r.tensors) {
        const packed = r.model.graph.initializer.find((x) => x.name === `${t.tensor}.bits`)!;
        expect(packed.dataType).toBe(DataType.UINT8);
        expect(packed.rawData!.length).toBe(Math.ceil(t.elements / perByte));
      }
      expect(r.model.graph.node.filter((n) => n.opType === 'BitShift')).toHaveLength(4);
      expect(opsetVersion(r.model)).toBe(17);
      const cmp = await compareOutputs(encodeModel(model), encodeModel(r.model));
      expect(cmp.identical).toBe(true);
    });
  }

  it('packs and unpacks indices low bits first', () => {
    const idx = [3, 0, 1, 2, 2, 1];
    expect(Array.from(packBits(idx, 2))).toEqual([0b10_01_00_11, 0b01_10]);
    expect(Array.from(unpackBits(packBits(idx, 2), idx.length, 2))).toEqual(idx);
    const bits = [1, 0, 1, 1, 0, 0, 0, 1, 1];
    expect(Array.from(unpackBits(packBits(bits, 1), bits.length, 1))).toEqual(bits);
  });

  it('is chosen over UINT4 for a large 2-bit layer by raw size, and refused above its k', () => {
    // Its six unpacking nodes cost a few hundred bytes: worth it on a large layer, not on a small one.
    const model = clusterWeights(buildMlp({ sizes: [784, 64, 10], seed: 6 }), { k: 4, storage: 'dense' }).model;
    const r = packModel(model, { target: 'onnxruntime', objective: 'raw', minElements: 100 });
    const big = r.tensors.find((t) => t.elements === 784 * 64)!;
    expect(big.form).toBe('codebook-2bit');
    expect(big.candidates.find((c) => c.form === 'codebook-1bit')?.rejected).toBe('more than 2 distinct values');
    expect(big.rawBytes).toBeLessThan(big.candidates.find((c) => c.form === 'codebook-uint4')!.rawBytes!);
  });
});
