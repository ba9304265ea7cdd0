// An int8 copy of a model for the profile tests: every Conv/Gemm/MatMul weight becomes an
// int8 initializer behind a DequantizeLinear (per-tensor, symmetric) — ORT-compatible QDQ.
// Kept here so the device tests do not depend on the quantize pass's options.
import { readFileSync, writeFileSync } from 'node:fs';
import { decodeModel, encodeModel, cloneModel } from '../../src/main/onnx/model.ts';
import { makeNode, uniqueName, removeInitializer, setInitializer } from '../../src/main/onnx/graph.ts';
import { tensorToFloat32, makeTensor, float32Tensor } from '../../src/main/onnx/tensor.ts';
import { DataType } from '../../src/main/onnx/proto.ts';

export function writeInt8Copy(srcPath: string, dstPath: string): number {
  const model = cloneModel(decodeModel(readFileSync(srcPath)));
  const g = model.graph;
  const inits = new Map(g.initializer.map((t) => [t.name, t]));
  let quantized = 0;
  const dq: ReturnType<typeof makeNode>[] = [];
  for (const node of g.node) {
    if (!['Conv', 'Gemm', 'MatMul'].includes(node.opType) || !inits.has(node.input[1])) continue;
    const w = inits.get(node.input[1])!;
    const values = tensorToFloat32(w);
    const maxAbs = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
    const scale = maxAbs / 127;
    const q = Int8Array.from(values, (v) => Math.max(-127, Math.min(127, Math.round(v / scale))));
    const base = w.name;
    const qName = uniqueName(g, `${base}_int8`);
    const sName = uniqueName(g, `${base}_scale`);
    const out = uniqueName(g, `${base}_dq`);
    setInitializer(g, makeTensor(qName, [...w.dims].map(Number), q, DataType.INT8));
    setInitializer(g, float32Tensor(sName, [], [scale]));
    dq.push(makeNode('DequantizeLinear', [qName, sName], [out], { name: `${base}_DequantizeLinear` }));
    removeInitializer(g, base);
    inits.delete(base);
    node.input[1] = out;
    quantized++;
  }
  g.node.unshift(...dq);
  writeFileSync(dstPath, encodeModel(model));
  return quantized;
}
