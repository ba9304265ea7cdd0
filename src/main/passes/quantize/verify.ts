// Fusion check: open the QDQ model in ONNX Runtime at level 'all', save the graph it
// actually runs, and count int8 kernels; every quantized group still running in float is
// listed with the likely reason.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeModel, encodeModel, type Model } from '../../onnx/model.ts';
import { createSession } from '../../runtime/session.ts';
import type { ActivationType } from './presets.ts';
import type { FusionReport } from './types.ts';

const INT8_KERNEL = /^(QLinear|QGemm$|MatMulInteger|DynamicQuantizeMatMul$|NhwcQLinear|ConvInteger$)/;

export interface ExpectedGroup {
  node: string;
  opType: string;
}

/** Op type counts of the graph ONNX Runtime runs for `model` at optimization level 'all'. */
export async function optimizedGraph(model: Model | Uint8Array, tempDir?: string): Promise<Model> {
  const dir = mkdtempSync(join(tempDir ?? tmpdir(), 'whittle-fusion-'));
  try {
    const path = join(dir, 'optimized.onnx');
    const bytes = model instanceof Uint8Array ? model : encodeModel(model);
    const session = await createSession(bytes, { optimization: 'all', optimizedModelPath: path, threads: 1 });
    await session.release();
    return decodeModel(readFileSync(path), 'the optimized model');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function countInt8Kernels(optimized: Model): Record<string, number> {
  const kernels: Record<string, number> = {};
  for (const n of optimized.graph.node) if (INT8_KERNEL.test(n.opType)) kernels[n.opType] = (kernels[n.opType] ?? 0) + 1;
  return kernels;
}

/** The int8 kernels each quantized op type becomes in ORT's CPU provider. */
const KERNELS_OF: Record<string, string[]> = {
  Conv: ['QLinearConv', 'NhwcQLinearConv'], Gemm: ['QGemm'], MatMul: ['QLinearMatMul', 'MatMulIntegerToFloat'],
  Add: ['QLinearAdd'], Mul: ['QLinearMul'], Concat: ['QLinearConcat'], AveragePool: ['QLinearAveragePool'],
  GlobalAveragePool: ['QLinearGlobalAveragePool'], Sigmoid: ['QLinearSigmoid'], LeakyRelu: ['QLinearLeakyRelu'],
  Softmax: ['QLinearSoftmax'],
};

export async function verifyFusion(model: Model, groups: ExpectedGroup[], activationType: ActivationType, tempDir?: string): Promise<FusionReport> {
  const optimized = await optimizedGraph(model, tempDir);
  const kernels = countInt8Kernels(optimized);
  // A group is unfused when ORT still runs its float op under the original node name...
  const floatByName = new Map(optimized.graph.node.filter((n) => !INT8_KERNEL.test(n.opType)).map((n) => [n.name, n.opType]));
  const unfused = groups
    .filter((grp) => floatByName.get(grp.node) === grp.opType)
    .map((grp) => ({ ...grp, reason: unfusedReason(grp.opType, activationType) }));
  // ...and, in case ORT renamed one, when there are fewer int8 kernels of its kind than groups.
  for (const op of new Set(groups.map((g) => g.opType))) {
    const expected = groups.filter((g) => g.opType === op).length;
    const found = (KERNELS_OF[op] ?? []).reduce((a, k) => a + (kernels[k] ?? 0), 0);
    const named = unfused.filter((u) => u.opType === op).length;
    const missing = expected - found - named;
    if (missing > 0) unfused.push({ node: `(${missing} unnamed)`, opType: op, reason: `${missing} ${op} group(s) have no matching int8 kernel in ONNX Runtime's optimized graph.` });
  }
  const unfusedCount = unfused.reduce((a, u) => a + (u.node.startsWith('(') ? Number(u.node.slice(1).split(' ')[0]) : 1), 0);
  return { groups: groups.length, fused: groups.length - unfusedCount, kernels, unfused };
}

function unfusedReason(opType: string, activationType: ActivationType): string {
  if (activationType === 'int8' && (opType === 'Conv' || opType === 'MatMul')) {
    return 'int8 (S8S8) activations: ONNX Runtime\'s x86 build fuses them only after rewriting Q/DQ pairs to uint8, which fails where one quantized value feeds several groups (ARM builds fuse S8S8 directly); on x86 use uint8 activations (the x86 presets).';
  }
  if (opType === 'Add' || opType === 'Mul') return 'QLinearAdd/Mul needs both inputs and the output quantized with the same type; a float input or a broadcast constant blocked it.';
  return 'ONNX Runtime did not match the DQ -> op -> Q pattern (an input or output without Q/DQ, or a type pair it has no kernel for).';
}
