// What each runtime loads, checked before a form is chosen. onnxruntime-node (CPU) takes
// every form here once the file declares opset 21 / IR 10 for the 4-bit types. TensorRT's
// ONNX parser (Jetson) takes no UINT4/INT4 initializers, no sparse_initializer, and not
// every JetPack's parser takes uint8 initializers into Cast/Gather: it gets dense forms only.
import type { Model } from '../../onnx/model.ts';
import { opsetVersion } from '../../onnx/model.ts';
import { attr } from '../../onnx/graph.ts';
import type { PackTarget, StorageForm } from '../../../shared/reports/pack.ts';

export const OPSET_4BIT = 21;
export const IR_4BIT = 10;

const TENSORRT_FORMS = new Set<StorageForm>(['dense']);
const TENSORRT_REASON = 'TensorRT (Jetson) parses no 4-bit, sparse or codebook (uint8 -> Cast -> Gather) storage; dense only';

/** Why `form` may not be used for `target`, or undefined when it may. */
export function formRefusal(form: StorageForm, needs4bit: boolean, target: PackTarget, opset4bit: string | undefined): string | undefined {
  if (target === 'tensorrt' && !TENSORRT_FORMS.has(form)) return TENSORRT_REASON;
  if (needs4bit && opset4bit) return opset4bit;
  return undefined;
}

/**
 * Ops whose signature changed (an attribute became an input, or a meaning changed) between
 * opset 13 and 21, with the opset of the change: a graph that uses them at an older opset
 * cannot simply declare opset 21.
 */
const CHANGED_BEFORE_21: Record<string, number> = {
  ReduceMax: 18, ReduceMin: 18, ReduceMean: 18, ReduceProd: 18, ReduceL1: 18, ReduceL2: 18,
  ReduceLogSum: 18, ReduceLogSumExp: 18, ReduceSumSquare: 18, GroupNormalization: 21,
  GridSample: 20, DFT: 20, Split: 18,
};

/** Why the model cannot be raised to opset 21 for 4-bit types, or undefined when it can. */
export function opset21Refusal(model: Model): string | undefined {
  const opset = opsetVersion(model) ?? 0;
  if (opset >= OPSET_4BIT) return undefined;
  if (opset < 13) return `4-bit types need opset ${OPSET_4BIT}; this model's opset ${opset} predates the opset 13 signatures (Squeeze, Unsqueeze, ReduceSum, Split), so it is not raised`;
  const blocking = model.graph.node.filter((n) => {
    const since = CHANGED_BEFORE_21[n.opType];
    if (since === undefined || opset >= since) return false;
    // Split changed only for the num_outputs form; Reduce* only when axes is an attribute.
    return n.opType === 'Split' ? false : n.opType.startsWith('Reduce') ? attr(n, 'axes', undefined) !== undefined : true;
  });
  if (blocking.length > 0) {
    const ops = [...new Set(blocking.map((n) => n.opType))].join(', ');
    return `4-bit types need opset ${OPSET_4BIT}; ${ops} changed meaning between this model's opset ${opset} and ${OPSET_4BIT}, so it is not raised`;
  }
  return undefined;
}

/** Declare opset 21 and IR 10 (the 4-bit types' first versions). */
export function raiseToOpset21(model: Model): void {
  const entry = model.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  if (entry) entry.version = OPSET_4BIT;
  if (Number(model.irVersion) < IR_4BIT) model.irVersion = IR_4BIT;
}
