// Run-length codebook storage for very sparse tensors. ONNX stores sparse positions as
// int64 (8 bytes each); here each stored entry carries the distance from the previous one
// in one uint8 and its cluster index in 4 bits, and standard ops rebuild the tensor:
//   positions = CumSum(Cast(steps, INT64))
//   indices   = ScatterElements(ConstantOfShape([n], 0), positions, Cast(codes, INT32))
//   value     = Reshape(Gather(codebook, indices), dims)
// Every input is constant, so ONNX Runtime folds the chain into a plain initializer at load.
// A gap longer than 255 is bridged by filler entries whose code is 0 (the zero cluster).
import { makeNode } from '../../onnx/graph.ts';
import { DataType, onnx } from '../../onnx/proto.ts';
import { makeTensor, pack4bit } from '../../onnx/tensor.ts';
import type { Encoded, PackTensor } from './forms.ts';
import { codebookOf, encoding, typedValues } from './forms.ts';
import { SHARED_CONSTANT_PREFIX } from './shared-constants.ts';

const MAX_STEP = 255;
/** The CumSum axis (0), one initializer for every run-length tensor of the file. */
const SHARED_AXIS = `${SHARED_CONSTANT_PREFIX}axis0`;

/** Steps (distance to the previous entry; the first from position 0, so it may be 0) and codes of the entries. */
export function runLengthEntries(values: Float32Array, book: Float32Array): { steps: Uint8Array; codes: Uint8Array } {
  const at = new Map<number, number>();
  book.forEach((v, i) => at.set(v, i));
  const steps: number[] = [];
  const codes: number[] = [];
  let last = 0;
  for (let p = 0; p < values.length; p++) {
    if (values[p] === 0) continue;
    while (p - last > MAX_STEP) {
      steps.push(MAX_STEP);
      codes.push(0);
      last += MAX_STEP;
    }
    steps.push(p - last);
    codes.push(at.get(values[p]) ?? 0);
    last = p;
  }
  return { steps: Uint8Array.from(steps), codes: Uint8Array.from(codes) };
}

/** `allow4bit` false stores the codes in uint8 (for a model that cannot declare opset 21). */
export function encodeRunLength(t: PackTensor, allow4bit: boolean): Encoded {
  const form = 'runlength-codebook' as const;
  const book = codebookOf(t.values, 256);
  if (!book) return { form, rejected: 'more than 256 distinct values' };
  if (book[0] !== 0) return { form, rejected: 'no zeros' };
  if (book.length === 1) return { form, rejected: 'all zeros' };
  const { steps, codes } = runLengthEntries(t.values, book);
  const v = t.value;
  const fourBit = allow4bit && book.length <= 16;
  const n = `${v}.n`;
  const initializers = [
    makeTensor(`${v}.codebook`, [book.length], typedValues(t.dataType, book)),
    makeTensor(`${v}.steps`, [steps.length], steps),
    fourBit ? makeTensor(`${v}.codes`, [codes.length], pack4bit(codes), DataType.UINT4) : makeTensor(`${v}.codes`, [codes.length], codes),
    makeTensor(`${v}.dims`, [t.dims.length], BigInt64Array.from(t.dims, BigInt)),
    makeTensor(n, [1], BigInt64Array.of(BigInt(t.values.length))),
    makeTensor(SHARED_AXIS, [], BigInt64Array.of(0n)),
  ];
  const zero = onnx.TensorProto.create({ dims: [1], dataType: DataType.INT32, rawData: new Uint8Array(4) });
  const node = (op: string, inputs: string[], output: string, attrs?: Record<string, number | onnx.TensorProto>) => makeNode(op, inputs, [output], { name: '', attrs });
  const nodes = [
    node('Cast', [`${v}.steps`], `${v}.s64`, { to: DataType.INT64 }),
    node('CumSum', [`${v}.s64`, SHARED_AXIS], `${v}.pos`),
    node('Cast', [`${v}.codes`], `${v}.c32`, { to: DataType.INT32 }),
    node('ConstantOfShape', [n], `${v}.zeros`, { value: zero }),
    node('ScatterElements', [`${v}.zeros`, `${v}.pos`, `${v}.c32`], `${v}.flat`, { axis: 0 }),
    node('Reshape', [`${v}.flat`, `${v}.dims`], `${v}.idx`),
    node('Gather', [`${v}.codebook`, `${v}.idx`], v, { axis: 0 }),
  ];
  return encoding(form, initializers, [], nodes, fourBit);
}
