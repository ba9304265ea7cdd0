// Gradient-check cases of the transformer and detector rules (rules-transformer.ts, MatMul with
// 1-D and broadcast batch operands), run with the other cases by gradients.test.ts.
import { onnx } from '../../src/main/onnx/proto.ts';
import { float32Tensor, int64Tensor, makeTensor } from '../../src/main/onnx/tensor.ts';
import type { CheckCase } from './gradcheck.ts';

const BOOL = onnx.TensorProto.DataType.BOOL;
const one = (op: string, x: number[], attrs: CheckCase['nodes'][0]['attrs'] = {}, extra: Partial<CheckCase> = {}): CheckCase => ({
  x, nodes: [{ op, inputs: ['x', ...Object.keys(extra.params ?? {})], outputs: ['y'], attrs }], ...extra,
});

/** GELU as PyTorch exports it before opset 20: x * 0.5 * (1 + erf(x / sqrt 2)). */
const exportedGelu: CheckCase = {
  x: [3, 6],
  consts: [float32Tensor('r2', [], [Math.SQRT2]), float32Tensor('one', [], [1]), float32Tensor('half', [], [0.5])],
  nodes: [
    { op: 'Div', inputs: ['x', 'r2'], outputs: ['d'] }, { op: 'Erf', inputs: ['d'], outputs: ['e'] },
    { op: 'Add', inputs: ['e', 'one'], outputs: ['a'] }, { op: 'Mul', inputs: ['x', 'a'], outputs: ['m'] },
    { op: 'Mul', inputs: ['m', 'half'], outputs: ['y'] },
  ],
};

/** The class token of a ViT export: a [1, 1, D] parameter expanded over the batch and joined to the patches. */
const classToken: CheckCase = {
  x: [2, 3, 4], params: { cls: [1, 1, 4] }, consts: [int64Tensor('shape', [3], [2, 1, 4])],
  nodes: [{ op: 'Expand', inputs: ['cls', 'shape'], outputs: ['t'] }, { op: 'Concat', inputs: ['t', 'x'], outputs: ['y'], attrs: { axis: 1 } }],
};

const resize = (x: number[], attrs: CheckCase['nodes'][0]['attrs'], scales: number[] | null, sizes: number[] | null): CheckCase => ({
  x, opset: 13, xValues: 'spread',
  consts: [...(scales ? [float32Tensor('scales', [scales.length], scales)] : []), ...(sizes ? [int64Tensor('sizes', [sizes.length], sizes)] : [])],
  nodes: [{ op: 'Resize', inputs: ['x', '', scales ? 'scales' : '', ...(sizes ? ['sizes'] : [])], outputs: ['y'], attrs }],
});

export const TRANSFORMER_CASES: Record<string, [string[], CheckCase]> = {
  'LayerNormalization last axis': [['LayerNormalization'], one('LayerNormalization', [2, 3, 8], { axis: -1, epsilon: 1e-5 }, { params: { s: [8], b: [8] } })],
  'LayerNormalization over two axes, no bias': [['LayerNormalization'], one('LayerNormalization', [2, 3, 4], { axis: 1, epsilon: 1e-3 }, { params: { s: [3, 4] } })],
  'GELU as exported (Div, Erf, Add, Mul)': [['Erf'], exportedGelu],
  'Gelu opset 20 exact': [['Gelu'], { ...one('Gelu', [3, 7]), opset: 20 }],
  'Gelu opset 20 tanh approximation': [['Gelu'], { ...one('Gelu', [3, 7], { approximate: 'tanh' }), opset: 20 }],
  'MatMul matrix x vector': [['MatMul'], one('MatMul', [3, 4], {}, { params: { w: [4] } })],
  'MatMul vector x matrix': [['MatMul'], one('MatMul', [4], {}, { params: { w: [4, 5] } })],
  'MatMul batched, both broadcast': [['MatMul'], one('MatMul', [2, 1, 3, 4], {}, { params: { w: [3, 4, 2] } })],
  'MatMul attention scores (both operands data)': [['MatMul', 'Transpose'], { x: [2, 3, 5, 4], nodes: [
    { op: 'Transpose', inputs: ['x'], outputs: ['t'], attrs: { perm: [0, 1, 3, 2] } }, { op: 'MatMul', inputs: ['x', 't'], outputs: ['y'] }] }],
  'Expand class token': [['Expand', 'Concat'], classToken],
  'Expand data over a new leading axis': [['Expand'], { x: [2, 1, 3], consts: [int64Tensor('shape', [4], [2, 2, 4, 3])], nodes: [{ op: 'Expand', inputs: ['x', 'shape'], outputs: ['y'] }] }],
  'Where with a broadcast branch': [['Where'], { x: [2, 3], params: { b: [3] }, consts: [makeTensor('c', [2, 3], Uint8Array.from([1, 0, 1, 0, 0, 1]), BOOL)], nodes: [
    { op: 'Where', inputs: ['c', 'x', 'b'], outputs: ['y'] }] }],
  'Resize nearest x2 (YOLO upsample)': [['Resize'], resize([1, 2, 3, 4], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }, [1, 1, 2, 2], null)],
  'Resize nearest half_pixel, fractional scales': [['Resize'], resize([2, 2, 4, 3], { mode: 'nearest' }, [1, 1, 1.5, 0.67], null)],
  'Resize nearest to sizes, align_corners': [['Resize'], resize([1, 2, 3, 4], { mode: 'nearest', coordinate_transformation_mode: 'align_corners', nearest_mode: 'round_prefer_ceil' }, null, [1, 2, 5, 7])],
};
