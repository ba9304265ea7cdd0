// Every gradient rule against central finite differences run through ONNX Runtime:
// random shapes, several attribute combinations, strided/grouped Conv, broadcasting.
import { describe, expect, it } from 'vitest';
import { int64Tensor, float32Tensor, makeTensor } from '../../src/main/onnx/tensor.ts';
import { encodeModel } from '../../src/main/onnx/model.ts';
import { createSession, ort } from '../../src/main/runtime/session.ts';
import { GRADIENT_RULES } from '../../src/main/train/autodiff/differentiate.ts';
import { buildTrainGraph, type TrainGraphOptions } from '../../src/main/train/training-graph.ts';
import { NCHWC_DOMAIN, nchwcBlockSize } from '../../src/main/runtime/nchwc.ts';
import { caseModel, gradCheck, type CheckCase } from './gradcheck.ts';
import { TRANSFORMER_CASES } from './gradient-cases-transformer.ts';

const TOLERANCE = 5e-3;
const one = (op: string, x: number[], attrs: CheckCase['nodes'][0]['attrs'] = {}, extra: Partial<CheckCase> = {}): CheckCase => ({
  x, nodes: [{ op, inputs: ['x', ...Object.keys(extra.params ?? {}), ...(extra.consts ?? []).map((c) => c.name)], outputs: ['y'], attrs }], ...extra,
});
const scalar = (name: string, v: number) => float32Tensor(name, [], [v]);

/** Case name -> [ops it covers, case]. */
const CASES: Record<string, [string[], CheckCase]> = {
  'Gemm transB alpha beta': [['Gemm'], one('Gemm', [3, 5], { transB: 1, alpha: 0.7, beta: 1.3 }, { params: { w: [4, 5], b: [4] } })],
  'Gemm transA, no bias': [['Gemm'], one('Gemm', [5, 3], { transA: 1 }, { params: { w: [5, 2] } })],
  'Gemm both transposed, row bias': [['Gemm'], one('Gemm', [4, 2], { transA: 1, transB: 1, beta: 0.5 }, { params: { w: [3, 4], b: [1, 3] } })],
  'MatMul 2-D': [['MatMul'], one('MatMul', [3, 4], {}, { params: { w: [4, 5] } })],
  'MatMul batched, broadcast weight': [['MatMul'], one('MatMul', [2, 3, 3, 4], {}, { params: { w: [4, 2] } })],
  'Add broadcast channel': [['Add'], one('Add', [2, 3, 4, 4], {}, { params: { b: [3, 1, 1] } })],
  'Add broadcast both ways': [['Add'], one('Add', [2, 1, 4], {}, { params: { b: [3, 1] } })],
  'Sub broadcast': [['Sub'], one('Sub', [2, 3, 4], {}, { params: { b: [1, 4] } })],
  'Mul broadcast': [['Mul'], one('Mul', [2, 3, 4], {}, { params: { b: [3, 1] } })],
  'Div broadcast': [['Div'], one('Div', [2, 3, 4], {}, { params: { b: { dims: [4], values: Float32Array.from([1.5, -2, 0.8, 3]) } } })],
  Relu: [['Relu'], one('Relu', [3, 7], {}, { xValues: 'away-from-zero' })],
  LeakyRelu: [['LeakyRelu'], one('LeakyRelu', [3, 7], { alpha: 0.2 }, { xValues: 'away-from-zero' })],
  'Clip (ReLU6-like bounds)': [['Clip'], { x: [4, 6], xValues: 'spread', consts: [scalar('lo', -0.3), scalar('hi', 0.4)], nodes: [{ op: 'Clip', inputs: ['x', 'lo', 'hi'], outputs: ['y'] }] }],
  'Clip upper only': [['Clip'], { x: [4, 6], xValues: 'spread', consts: [scalar('hi', 0.2)], nodes: [{ op: 'Clip', inputs: ['x', '', 'hi'], outputs: ['y'] }] }],
  Sigmoid: [['Sigmoid'], one('Sigmoid', [3, 5])],
  Tanh: [['Tanh'], one('Tanh', [3, 5])],
  HardSigmoid: [['HardSigmoid'], { x: [4, 24], xValues: 'spread', nodes: [{ op: 'HardSigmoid', inputs: ['x'], outputs: ['y'], attrs: { alpha: 0.5, beta: 0.6 } }] }],
  'HardSwish (rewritten)': [['HardSigmoid', 'Mul'], { x: [2, 48], xValues: 'spread', consts: [scalar('s', 3)], nodes: [
    { op: 'Mul', inputs: ['x', 's'], outputs: ['z'] }, { op: 'HardSwish', inputs: ['z'], outputs: ['y'] }] }],
  'Softmax last axis': [['Softmax'], one('Softmax', [3, 6])],
  'Softmax axis 1 of 3-D': [['Softmax'], one('Softmax', [2, 4, 3], { axis: 1 })],
  'LogSoftmax': [['LogSoftmax'], one('LogSoftmax', [3, 6], { axis: -1 })],
  'Softmax opset 11 (coerced to 2-D)': [['Softmax'], { ...one('Softmax', [2, 3, 4], { axis: 1 }), opset: 11 }],
  'Conv strided, asymmetric pads': [['Conv'], one('Conv', [2, 3, 7, 6], { pads: [1, 0, 1, 2], strides: [2, 1] }, { params: { w: [4, 3, 3, 3], b: [4] } })],
  'Conv dilated': [['Conv'], one('Conv', [1, 2, 9, 8], { dilations: [2, 3], pads: [2, 1, 0, 1] }, { params: { w: [3, 2, 3, 2], b: [3] } })],
  'Conv grouped, strided, dilated': [['Conv'], one('Conv', [2, 4, 7, 6], { group: 2, strides: [2, 2], dilations: [1, 2], pads: [1, 1, 1, 1] }, { params: { w: [6, 2, 3, 2] } })],
  'Conv depthwise stride 2 (MobileNet)': [['Conv'], one('Conv', [2, 3, 8, 8], { group: 3, strides: [2, 2], pads: [1, 1, 1, 1] }, { params: { w: [3, 1, 3, 3], b: [3] } })],
  'Conv depthwise (slices) stride 1, dilated, asymmetric pads, bias': [['Conv'], one('Conv', [2, 4, 3, 2], { group: 4, dilations: [2, 1], pads: [2, 0, 1, 2] }, { params: { w: [4, 1, 3, 3], b: [4] } })],
  'Conv depthwise (slices) on a 1x1 map, pad 1': [['Conv'], one('Conv', [3, 6, 1, 1], { group: 6, pads: [1, 1, 1, 1] }, { params: { w: [6, 1, 3, 3] } })],
  'Conv depthwise (slices) 2x2 map stride 1': [['Conv'], one('Conv', [2, 4, 2, 2], { group: 4, pads: [1, 1, 1, 1] }, { params: { w: [4, 1, 3, 3], b: [4] } })],
  'Conv depthwise (slices) stride 2 on 2x2, pad 1 (MobileNet tail)': [['Conv'], one('Conv', [3, 5, 2, 2], { group: 5, strides: [2, 2], pads: [1, 1, 1, 1] }, { params: { w: [5, 1, 3, 3] } })],
  'Conv depthwise (slices) 5x5 stride 2, odd size': [['Conv'], one('Conv', [2, 3, 3, 4], { group: 3, strides: [2, 2], pads: [2, 2, 2, 2] }, { params: { w: [3, 1, 5, 5] } })],
  'Conv 5x5, channels not in whole blocks (LeNet-5 c2: dX a ConvTranspose)': [['Conv'], one('Conv', [2, 6, 9, 8], {}, { params: { w: [16, 6, 5, 5], b: [16] } })],
  'Conv grouped stride 1 (dX a grouped Conv)': [['Conv'], one('Conv', [2, 4, 6, 5], { group: 2, pads: [1, 1, 1, 1] }, { params: { w: [6, 2, 3, 3] } })],
  'Conv auto_pad SAME_UPPER stride 2': [['Conv'], one('Conv', [1, 2, 7, 7], { auto_pad: 'SAME_UPPER', strides: [2, 2] }, { params: { w: [2, 2, 3, 3] } })],
  'Conv 8 channels (im2col GEMM), strided, asymmetric pads': [['Conv'], one('Conv', [2, 8, 7, 6], { pads: [1, 0, 1, 2], strides: [2, 1] }, { params: { w: [4, 8, 3, 3], b: [4] } })],
  'Conv 16 channels in 2 groups (im2col GEMM), dilated': [['Conv'], one('Conv', [2, 16, 8, 7], { group: 2, dilations: [2, 1], pads: [2, 1, 2, 1] }, { params: { w: [6, 8, 3, 3] } })],
  'Conv 8 channels 1x1 stride 2': [['Conv'], one('Conv', [3, 8, 5, 5], { strides: [2, 2] }, { params: { w: [4, 8, 1, 1] } })],
  'Conv 8 channels on a 9x8 map (dW as per-sample GEMMs), dilated': [['Conv'], one('Conv', [2, 8, 11, 8], { dilations: [2, 1], pads: [1, 1, 1, 1] }, { params: { w: [3, 8, 3, 3], b: [3] } })],
  'Conv 16 channels in 2 groups, 9x9 map (dW as one GEMM)': [['Conv'], one('Conv', [2, 16, 9, 9], { group: 2, pads: [1, 1, 1, 1] }, { params: { w: [4, 8, 3, 3], b: [4] } })],
  'Conv 8 channels, batch 8 (dW batch-innermost), strided, asymmetric pads': [['Conv'], one('Conv', [8, 8, 5, 4], { pads: [1, 0, 1, 2], strides: [2, 1] }, { params: { w: [4, 8, 3, 3], b: [4] } })],
  'Conv 6 channels 5x5, batch 8 (dW batch-innermost: 150 GEMM rows, LeNet-5 c2)': [['Conv'], one('Conv', [8, 6, 7, 6], { pads: [2, 1, 0, 2] }, { params: { w: [5, 6, 5, 5], b: [5] } })],
  'Conv 1 channel into 3, batch 8 (dW batch-innermost: outputs too few for per-sample GEMMs, LeNet-5 c1)': [['Conv'], one('Conv', [8, 1, 7, 6], { pads: [1, 0, 0, 1] }, { params: { w: [3, 1, 3, 3], b: [3] } })],
  'Conv 16 channels in 2 groups, batch 9 (dW batch-innermost), dilated': [['Conv'], one('Conv', [9, 16, 8, 7], { group: 2, dilations: [2, 1], pads: [2, 1, 2, 1] }, { params: { w: [6, 8, 3, 2] } })],
  'Conv 64 channels 3x3 on 16x16, batch 8 (dW unfolded in two parts)': [['Conv'], one('Conv', [8, 64, 16, 16], { pads: [1, 1, 1, 1] }, { params: { w: [2, 64, 3, 3] } })],
  'Conv 8 channels 1x1 stride 2, batch 8 (dW one GEMM on the small map)': [['Conv'], one('Conv', [8, 8, 5, 5], { strides: [2, 2] }, { params: { w: [4, 8, 1, 1] } })],
  'Conv 16 channels 3x3 (NCHWc kernels forward and for dX), bias': [['Conv'], one('Conv', [1, 16, 4, 4], { pads: [1, 1, 1, 1] }, { params: { w: [16, 16, 3, 3], b: [16] } })],
  'Conv 16 channels 3x3 stride 2, asymmetric pads (NCHWc forward)': [['Conv'], one('Conv', [1, 16, 5, 4], { strides: [2, 2], pads: [1, 0, 1, 1] }, { params: { w: [16, 16, 3, 3] } })],
  'Conv depthwise 16 channels stride 2 (NCHWc, dY spread with zeros), bias': [['Conv'], one('Conv', [1, 16, 7, 6], { group: 16, strides: [2, 2], pads: [1, 1, 1, 1] }, { params: { w: [16, 1, 3, 3], b: [16] } })],
  'Conv depthwise 16 channels stride 1, dilated, asymmetric pads (NCHWc)': [['Conv'], one('Conv', [2, 16, 5, 6], { group: 16, dilations: [2, 1], pads: [2, 0, 1, 1] }, { params: { w: [16, 1, 3, 3] } })],
  'Conv depthwise 16 channels stride 2 on 2x2, pad 1 (NCHWc forward, 1x1 map)': [['Conv'], one('Conv', [2, 16, 2, 2], { group: 16, strides: [2, 2], pads: [1, 1, 1, 1] }, { params: { w: [16, 1, 3, 3] } })],
  'Conv 1x1': [['Conv'], one('Conv', [2, 4, 3, 3], {}, { params: { w: [5, 4, 1, 1] } })],
  'Conv 1x1 stride 2 onto a 1x1 map (dW as one GEMM dY^T X), bias': [['Conv'], one('Conv', [3, 6, 2, 2], { strides: [2, 2] }, { params: { w: [5, 6, 1, 1], b: [5] } })],
  'Conv 1x1 on a 1x1 map, batch 8 (dW as one GEMM)': [['Conv'], one('Conv', [8, 12, 1, 1], {}, { params: { w: [7, 12, 1, 1] } })],
  'Conv 1x1 in 2 groups, stride 2 on an odd map (dW one GEMM on the small map)': [['Conv'], one('Conv', [2, 8, 5, 3], { group: 2, strides: [2, 2] }, { params: { w: [6, 4, 1, 1] } })],
  'Conv 1x1 in 2 groups, stride 2 onto an 8x8 map (dW per sample from the forward\'s subsample)': [['Conv'], one('Conv', [2, 8, 16, 15], { group: 2, strides: [2, 2] }, { params: { w: [6, 4, 1, 1], b: [6] } })],
  'Conv 1x1 on an 8x8 map (dW per sample)': [['Conv'], one('Conv', [2, 4, 8, 8], {}, { params: { w: [3, 4, 1, 1] } })],
  'Conv 1x1 padded (dW through the window unfold)': [['Conv'], one('Conv', [2, 8, 3, 3], { pads: [1, 0, 0, 1] }, { params: { w: [3, 8, 1, 1] } })],
  'Conv 3x3 stride 2 and its 1x1 stride-2 shortcut on one input (two ConvTransposes summed)': [['Conv', 'Concat'], { x: [2, 3, 7, 6], params: { w: [4, 3, 3, 3], p: [5, 3, 1, 1] }, nodes: [
    { op: 'Conv', inputs: ['x', 'w'], outputs: ['h'], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } }, { op: 'Conv', inputs: ['x', 'p'], outputs: ['k'], attrs: { strides: [2, 2] } },
    { op: 'Concat', inputs: ['h', 'k'], outputs: ['y'], attrs: { axis: 1 } }] }],
  'Two Convs 3x3 stride 2 with other pads on one input': [['Conv', 'Add'], { x: [2, 3, 7, 6], params: { w: [4, 3, 3, 3], p: [4, 3, 3, 3] }, nodes: [
    { op: 'Conv', inputs: ['x', 'w'], outputs: ['h'], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } }, { op: 'Conv', inputs: ['x', 'p'], outputs: ['k'], attrs: { strides: [2, 2], pads: [0, 0, 2, 2] } },
    { op: 'Add', inputs: ['h', 'k'], outputs: ['y'] }] }],
  'Relu and Clip on [N, C, 1, 1] (rank-matched bounds)': [['Relu', 'Clip'], { x: [3, 5, 1, 1], xValues: 'spread', consts: [scalar('lo', -0.2), scalar('hi', 0.3)], nodes: [
    { op: 'Clip', inputs: ['x', 'lo', 'hi'], outputs: ['c'] }, { op: 'Relu', inputs: ['c'], outputs: ['y'] }] }],
  'MaxPool overlapping 3x3 stride 2': [['MaxPool'], one('MaxPool', [2, 2, 7, 7], { kernel_shape: [3, 3], strides: [2, 2] }, { xValues: 'spread' })],
  'MaxPool 2x2 stride 2 (disjoint windows, odd size)': [['MaxPool'], one('MaxPool', [2, 3, 7, 6], { kernel_shape: [2, 2], strides: [2, 2] }, { xValues: 'spread' })],
  'MaxPool 2x2 stride 2 tiling the input (mask form)': [['MaxPool'], one('MaxPool', [2, 3, 8, 6], { kernel_shape: [2, 2], strides: [2, 2] }, { xValues: 'spread' })],
  'MaxPool 3x2 disjoint windows': [['MaxPool'], one('MaxPool', [1, 2, 9, 4], { kernel_shape: [3, 2], strides: [3, 2] }, { xValues: 'spread' })],
  'MaxPool padded, ceil mode': [['MaxPool'], one('MaxPool', [1, 2, 6, 5], { kernel_shape: [2, 3], strides: [2, 2], pads: [1, 1, 0, 1], ceil_mode: 1 }, { xValues: 'spread' })],
  'AveragePool padded, exclude pad': [['AveragePool'], one('AveragePool', [2, 2, 6, 5], { kernel_shape: [3, 3], strides: [2, 1], pads: [1, 1, 1, 1] })],
  'AveragePool include pad, ceil': [['AveragePool'], one('AveragePool', [1, 3, 7, 6], { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 1, 0, 0], count_include_pad: 1, ceil_mode: 1 })],
  GlobalAveragePool: [['GlobalAveragePool'], one('GlobalAveragePool', [2, 3, 4, 5])],
  'BatchNormalization training (rewritten, one fused gradient)': [[], one('BatchNormalization', [4, 3, 3, 2], { epsilon: 1e-3 }, {
    params: { s: [3], b: [3], m: [3], v: { dims: [3], values: Float32Array.from([0.5, 1, 2]) } },
  })],
  'BatchNormalization training on [N, C] (BatchNorm1d)': [[], one('BatchNormalization', [6, 4], {}, {
    params: { s: [4], b: [4], m: [4], v: { dims: [4], values: Float32Array.from([0.5, 1, 2, 1]) } },
  })],
  'BatchNormalization inference (frozen)': [['Div', 'Sqrt', 'Mul', 'Sub'], { ...one('BatchNormalization', [2, 3, 2, 2], {}, {
    params: { s: [3], b: [3], m: [3], v: { dims: [3], values: Float32Array.from([0.5, 1, 2]) } },
  }), options: { batchNorm: 'frozen' } }],
  Flatten: [['Flatten'], { x: [2, 3, 2, 2], params: { w: [12, 3] }, nodes: [{ op: 'Flatten', inputs: ['x'], outputs: ['f'] }, { op: 'MatMul', inputs: ['f', 'w'], outputs: ['y'] }] }],
  Reshape: [['Reshape'], { x: [2, 6], consts: [int64Tensor('shape', [3], [2, 3, 2])], params: { b: [3, 1] }, nodes: [
    { op: 'Reshape', inputs: ['x', 'shape'], outputs: ['r'] }, { op: 'Mul', inputs: ['r', 'b'], outputs: ['y'] }] }],
  Transpose: [['Transpose'], { x: [2, 3, 4], params: { b: [4, 2, 3] }, nodes: [
    { op: 'Transpose', inputs: ['x'], outputs: ['t'], attrs: { perm: [2, 0, 1] } }, { op: 'Mul', inputs: ['t', 'b'], outputs: ['y'] }] }],
  Concat: [['Concat'], { x: [2, 3, 2], params: { b: [2, 2, 2] }, nodes: [{ op: 'Concat', inputs: ['x', 'b'], outputs: ['y'], attrs: { axis: 1 } }] }],
  'Split (one output unused)': [['Split'], { x: [2, 7], consts: [int64Tensor('sizes', [3], [2, 4, 1])], nodes: [
    { op: 'Split', inputs: ['x', 'sizes'], outputs: ['a', 'b', 'c'], attrs: { axis: 1 } }, { op: 'Mul', inputs: ['a', 'c'], outputs: ['y'] }] }],
  'Slice steps 1': [['Slice'], { x: [3, 8], consts: [int64Tensor('st', [2], [1, -6]), int64Tensor('en', [2], [3, 7]), int64Tensor('ax', [2], [0, 1])], nodes: [
    { op: 'Slice', inputs: ['x', 'st', 'en', 'ax'], outputs: ['y'] }] }],
  'Slice negative and stride-2 steps': [['Slice'], { x: [4, 9], consts: [int64Tensor('st', [2], [3, 1]), int64Tensor('en', [2], [0, 9]), int64Tensor('ax', [2], [0, 1]), int64Tensor('sp', [2], [-1, 2])], nodes: [
    { op: 'Slice', inputs: ['x', 'st', 'en', 'ax', 'sp'], outputs: ['y'] }] }],
  'Pad constant': [['Pad'], { x: [2, 3, 4], consts: [int64Tensor('p', [6], [0, 1, 2, 0, 2, 1])], nodes: [{ op: 'Pad', inputs: ['x', 'p'], outputs: ['y'] }] }],
  'Pad reflect': [['Pad'], { x: [1, 2, 4, 5], consts: [int64Tensor('p', [8], [0, 0, 2, 1, 0, 0, 1, 3])], nodes: [{ op: 'Pad', inputs: ['x', 'p'], outputs: ['y'], attrs: { mode: 'reflect' } }] }],
  'Pad edge, negative crop': [['Pad'], { x: [2, 5], consts: [int64Tensor('p', [4], [0, 2, 0, -1])], nodes: [{ op: 'Pad', inputs: ['x', 'p'], outputs: ['y'], attrs: { mode: 'edge' } }] }],
  'Squeeze / Unsqueeze': [['Squeeze', 'Unsqueeze'], { x: [2, 1, 3], consts: [int64Tensor('a1', [1], [1]), int64Tensor('a2', [1], [0])], params: { b: [1, 2, 3] }, nodes: [
    { op: 'Squeeze', inputs: ['x', 'a1'], outputs: ['s'] }, { op: 'Unsqueeze', inputs: ['s', 'a2'], outputs: ['u'] }, { op: 'Mul', inputs: ['u', 'b'], outputs: ['y'] }] }],
  'Squeeze opset 11 (axes attribute)': [['Squeeze'], { x: [2, 1, 3], opset: 11, nodes: [{ op: 'Squeeze', inputs: ['x'], outputs: ['y'], attrs: { axes: [1] } }] }],
  'ReduceSum keepdims': [['ReduceSum'], { x: [2, 3, 4], consts: [int64Tensor('ax', [2], [0, -1])], nodes: [{ op: 'ReduceSum', inputs: ['x', 'ax'], outputs: ['r'] }, { op: 'Mul', inputs: ['r', 'r'], outputs: ['y'] }] }],
  'ReduceMean no keepdims': [['ReduceMean'], { x: [2, 3, 4], nodes: [{ op: 'ReduceMean', inputs: ['x'], outputs: ['r'], attrs: { axes: [1], keepdims: 0 } }, { op: 'Mul', inputs: ['r', 'r'], outputs: ['y'] }] }],
  'Dropout inference': [['Dropout'], one('Dropout', [3, 4])],
  Identity: [['Identity'], one('Identity', [3, 4])],
  'Gather embedding (axis 0)': [['Gather'], { x: [2, 3, 4], params: { table: [6, 4] }, consts: [int64Tensor('idx', [2, 3], [0, 5, 2, 2, 1, 0])], nodes: [
    { op: 'Gather', inputs: ['table', 'idx'], outputs: ['g'] }, { op: 'Mul', inputs: ['g', 'x'], outputs: ['y'] }] }],
  'Gather axis 1, codebook through Cast': [['Gather', 'Cast'], { x: [3, 2, 2], params: { table: [3, 5] }, consts: [makeTensor('idx', [2, 2], Uint8Array.from([4, 1, 1, 3]))], nodes: [
    { op: 'Cast', inputs: ['idx'], outputs: ['i32'], attrs: { to: 6 } }, { op: 'Gather', inputs: ['table', 'i32'], outputs: ['g'], attrs: { axis: 1 } }, { op: 'Mul', inputs: ['g', 'x'], outputs: ['y'] }] }],
  'Exp, Neg, Sqrt': [['Exp', 'Neg', 'Sqrt'], { x: [2, 5], nodes: [{ op: 'Exp', inputs: ['x'], outputs: ['e'] }, { op: 'Sqrt', inputs: ['e'], outputs: ['s'] }, { op: 'Neg', inputs: ['s'], outputs: ['y'] }] }],
  'Cast float to float': [['Cast'], { x: [2, 3], nodes: [{ op: 'Cast', inputs: ['x'], outputs: ['c'], attrs: { to: 1 } }, { op: 'Tanh', inputs: ['c'], outputs: ['y'] }] }],
  ...TRANSFORMER_CASES,
};

describe('gradient rules vs central finite differences', () => {
  it.each(Object.entries(CASES))('%s', async (_name, [, c]) => {
    const { worst } = await gradCheck(c, 5);
    for (const [tensor, err] of Object.entries(worst)) expect(err, tensor).toBeLessThan(TOLERANCE);
  });

  it('covers every rule in the table', () => {
    const covered = new Set(Object.values(CASES).flatMap(([ops]) => ops));
    const missing = Object.keys(GRADIENT_RULES).filter((op) => !covered.has(op));
    expect(missing).toEqual([]);
  });

  it('Dropout in training mode scales kept gradients by 1/(1-ratio) and zeroes the dropped ones', async () => {
    const c: CheckCase = { x: [4, 50], consts: [scalar('ratio', 0.25)], nodes: [{ op: 'Dropout', inputs: ['x', 'ratio'], outputs: ['y'] }] };
    const { model, values } = caseModel(c);
    const weights = Float32Array.from({ length: 200 }, (_, i) => (i % 7) - 3);
    const tg = await buildTrainGraph(model, { batchSize: 4, loss: { kind: 'weighted-sum', weights }, inputGradients: ['x'], dropout: true });
    const session = await createSession(encodeModel(tg.model));
    const out = await session.run({ x: new ort.Tensor('float32', values.get('x')!, [4, 50]) });
    const y = out.y.data as Float32Array;
    const g = out[tg.inputGradOutputs.get('x')!].data as Float32Array;
    let dropped = 0;
    for (let i = 0; i < 200; i++) {
      const kept = y[i] !== 0;
      if (!kept) dropped++;
      expect(g[i]).toBeCloseTo(kept ? weights[i] / 0.75 : 0, 5);
    }
    expect(dropped).toBeGreaterThan(20);
    expect(dropped).toBeLessThan(90);
  });

  /** Gradients of the training graph with and without the NCHWc rewrite, and how many NCHWc Convs it has. */
  async function withAndWithoutNchwc(c: CheckCase, outputs: number) {
    const { model, values } = caseModel(c);
    const opts: TrainGraphOptions = { batchSize: c.x[0], loss: { kind: 'weighted-sum', weights: Float32Array.from({ length: outputs }, (_, i) => (i % 5) - 2) }, inputGradients: ['x'] };
    const run = async (nchwc: boolean) => {
      const tg = await buildTrainGraph(model, { ...opts, nchwc });
      const session = await createSession(encodeModel(tg.model));
      const feeds = Object.fromEntries(['x', ...Object.keys(c.params!)].map((n) => [n, new ort.Tensor('float32', values.get(n)!, n === 'x' ? c.x : c.params![n] as number[])]));
      const out = await session.run(feeds);
      const grads = [tg.inputGradOutputs.get('x')!, ...tg.params.map((p) => p.gradOutput)].map((g) => out[g].data as Float32Array);
      return { grads, blocked: tg.model.graph.node.filter((n) => n.domain === NCHWC_DOMAIN && n.opType === 'Conv').length };
    };
    const [blocked, plain] = [await run(true), await run(false)];
    expect(plain.blocked).toBe(0);
    for (let t = 0; t < plain.grads.length; t++) {
      const scale = Math.max(...plain.grads[t].map(Math.abs));
      for (let i = 0; i < plain.grads[t].length; i++) expect(Math.abs(blocked.grads[t][i] - plain.grads[t][i])).toBeLessThan(1e-5 * scale);
    }
    return blocked.blocked;
  }

  it('runs block-aligned 3x3 Convs (forward and dX) on ORT\'s NCHWc kernels with the plain graph\'s gradients', async () => {
    const c: CheckCase = { x: [2, 16, 7, 6], params: { w: [32, 16, 3, 3], p: [16, 32, 1, 1], q: [16, 16, 3, 3] }, nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['h'], attrs: { pads: [1, 0, 1, 1], strides: [2, 1] } }, { op: 'Relu', inputs: ['h'], outputs: ['r'] },
      { op: 'Conv', inputs: ['r', 'p'], outputs: ['s'] }, { op: 'Conv', inputs: ['s', 'q'], outputs: ['y'], attrs: { dilations: [2, 1], pads: [2, 1, 2, 1] } }] };
    const block = await nchwcBlockSize();
    expect(block === 0 || block % 4 === 0).toBe(true);
    // Forward and dX of both 3x3 Convs (the strided one's dX stays a ConvTranspose); never the 1x1.
    expect(await withAndWithoutNchwc(c, 2 * 16 * 4 * 5)).toBe(block > 0 ? 3 : 0);
  });

  it('takes dX of a dense Conv outside NCHWc blocks (LeNet-5\'s 6->16 5x5) as a ConvTranspose, of a block-aligned one as an NCHWc Conv', async () => {
    const dxOps = async (c: CheckCase, nchwc: boolean) => {
      const { model } = caseModel(c);
      // Both cases output [2, 16, 5, 5].
      const tg = await buildTrainGraph(model, { batchSize: 2, loss: { kind: 'weighted-sum', weights: new Float32Array(2 * 16 * 5 * 5).fill(1) }, inputGradients: ['x'], nchwc });
      const ops = tg.model.graph.node.map((n) => `${n.domain === NCHWC_DOMAIN ? 'nchwc:' : ''}${n.opType}`);
      return { transposed: ops.filter((o) => o === 'ConvTranspose').length, blocked: ops.filter((o) => o === 'nchwc:Conv').length };
    };
    const lenet: CheckCase = { x: [2, 6, 9, 9], params: { w: [16, 6, 5, 5] }, nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'] }] };
    expect(await dxOps(lenet, true)).toEqual({ transposed: 1, blocked: 0 });
    const aligned: CheckCase = { x: [2, 16, 7, 7], params: { w: [16, 16, 3, 3] }, nodes: [{ op: 'Conv', inputs: ['x', 'w'], outputs: ['y'] }] };
    const block = await nchwcBlockSize();
    // With NCHWc: the forward and dX Convs blocked; without it, dX a ConvTranspose.
    expect(await dxOps(aligned, true)).toEqual(block > 0 && 16 % block === 0 ? { transposed: 0, blocked: 2 } : { transposed: 1, blocked: 0 });
    expect(await dxOps(aligned, false)).toEqual({ transposed: 1, blocked: 0 });
  });

  /** One run of `c`'s training graph (weighted-sum loss over `outputs` values, dX asked for): its nodes and outputs. */
  async function runTrainGraph(c: CheckCase, outputs: number, nchwc: boolean) {
    const { model, values } = caseModel(c);
    const tg = await buildTrainGraph(model, { batchSize: c.x[0], loss: { kind: 'weighted-sum', weights: Float32Array.from({ length: outputs }, (_, i) => (i % 7) - 3) }, inputGradients: ['x'], nchwc });
    const session = await createSession(encodeModel(tg.model));
    const feeds = Object.fromEntries(tg.model.graph.input.map((i) => [i.name!, new ort.Tensor('float32', values.get(i.name!)!, i.name === 'x' ? c.x : c.params![i.name!] as number[])]));
    const out = await session.run(feeds);
    await session.release();
    const nodes = tg.model.graph.node;
    const producer = new Map(nodes.flatMap((n) => n.output.map((o) => [o, n] as const)));
    return {
      tg, nodes,
      read: (names: string[]) => names.map((g) => out[g].data as Float32Array),
      grads: [tg.inputGradOutputs.get('x')!, ...tg.params.map((p) => p.gradOutput)].map((g) => out[g].data as Float32Array),
      blocked: (op: string) => nodes.filter((n) => n.domain === NCHWC_DOMAIN && n.opType === op),
      /** ReorderInputs of a ReorderOutput's value: a copy out of the blocked layout and straight back. */
      pairs: nodes.filter((n) => n.opType === 'ReorderInput' && producer.get(n.input[0])?.opType === 'ReorderOutput').length,
    };
  }

  /** Each of `got`'s tensors equals `want`'s within `tolerance` of its largest magnitude. */
  function expectClose(got: Float32Array[], want: Float32Array[], tolerance: number) {
    expect(got.length).toBe(want.length);
    for (let t = 0; t < want.length; t++) {
      const scale = Math.max(...want[t].map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      for (let i = 0; i < want[t].length; i++) expect(Math.abs(got[t][i] - want[t][i])).toBeLessThan(tolerance * scale);
    }
  }

  it('runs a training BatchNorm fed by an NCHWc Conv, with the ReLU after it, on blocked values: the plain graph\'s gradients and statistics, no reorder pair left', async () => {
    const bn = (i: number) => ({ [`s${i}`]: [16], [`b${i}`]: [16], [`m${i}`]: [16], [`v${i}`]: { dims: [16], values: Float32Array.from({ length: 16 }, (_, k) => 0.5 + k / 8) } });
    const c: CheckCase = { x: [4, 16, 6, 5], params: { w: [16, 16, 3, 3], q: [16, 16, 3, 3], ...bn(1), ...bn(2) }, nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['h'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'BatchNormalization', inputs: ['h', 's1', 'b1', 'm1', 'v1'], outputs: ['n'] }, { op: 'Relu', inputs: ['n'], outputs: ['r'] },
      { op: 'Conv', inputs: ['r', 'q'], outputs: ['k'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'BatchNormalization', inputs: ['k', 's2', 'b2', 'm2', 'v2'], outputs: ['j'] }, { op: 'Add', inputs: ['j', 'x'], outputs: ['y'] }] };
    const [blocked, plain] = [await runTrainGraph(c, 4 * 16 * 30, true), await runTrainGraph(c, 4 * 16 * 30, false)];
    const stats = (r: typeof plain) => r.read(r.tg.bnStats.flatMap((b) => [b.batchMean, b.batchVar]));
    const block = await nchwcBlockSize();
    // Two per BatchNorm forward (mean, variance), two backward (mean of dY, of dY * centred).
    expect(blocked.blocked('GlobalAveragePool').length).toBe(block > 0 && 16 % block === 0 ? 8 : 0);
    expect(plain.blocked('GlobalAveragePool').length).toBe(0);
    expect(blocked.pairs).toBe(0);
    expectClose(blocked.grads, plain.grads, 1e-4);
    expectClose(stats(blocked), stats(plain), 1e-4);
  });

  it('runs a 3-channel stem Conv, its BatchNorm + ReLU and a 2x2 MaxPool on blocked values: the plain graph\'s gradients (ReLU zeros tie in the pool windows), no reorder pair left', async () => {
    const bn = (i: number) => ({ [`s${i}`]: [16], [`b${i}`]: [16], [`m${i}`]: [16], [`v${i}`]: [16] });
    const c: CheckCase = { x: [4, 3, 8, 6], params: { w: [16, 3, 3, 3], q: [16, 16, 3, 3], ...bn(1), ...bn(2) }, nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['h'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'BatchNormalization', inputs: ['h', 's1', 'b1', 'm1', 'v1'], outputs: ['n'] }, { op: 'Relu', inputs: ['n'], outputs: ['r'] },
      { op: 'MaxPool', inputs: ['r'], outputs: ['p'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: 'Conv', inputs: ['p', 'q'], outputs: ['k'], attrs: { pads: [1, 1, 1, 1] } },
      { op: 'BatchNormalization', inputs: ['k', 's2', 'b2', 'm2', 'v2'], outputs: ['j'] }, { op: 'Relu', inputs: ['j'], outputs: ['y'] }] };
    const [blocked, plain] = [await runTrainGraph(c, 4 * 16 * 12, true), await runTrainGraph(c, 4 * 16 * 12, false)];
    const block = await nchwcBlockSize();
    const whole = block > 0 && 16 % block === 0;
    expect(blocked.blocked('MaxPool').length).toBe(whole ? 1 : 0);
    // The stem reads the NCHW input itself.
    expect(blocked.blocked('Conv').filter((n) => n.input[0] === 'x').length).toBe(whole ? 1 : 0);
    expect(plain.blocked('MaxPool').length + plain.blocked('Conv').length).toBe(0);
    expect(blocked.pairs).toBe(0);
    // About half the ReLU's outputs are 0 (it follows a BatchNorm), so many of the 192 pooling
    // windows tie at 0 and their share of dY is split.
    expectClose(blocked.grads, plain.grads, 1e-4);
  });

  it('runs depthwise Convs (forward, dX spread from stride 2, dW over the batch) on NCHWc kernels with the plain graph\'s gradients', async () => {
    const c: CheckCase = { x: [2, 16, 7, 6], params: { w: [16, 1, 3, 3], q: [16, 1, 3, 3] }, nodes: [
      { op: 'Conv', inputs: ['x', 'w'], outputs: ['h'], attrs: { group: 16, pads: [1, 1, 1, 1], strides: [2, 2] } },
      { op: 'Conv', inputs: ['h', 'q'], outputs: ['y'], attrs: { group: 16, pads: [1, 1, 1, 1] } }] };
    const block = await nchwcBlockSize();
    // Both forwards, both dX, both dW.
    expect(await withAndWithoutNchwc(c, 2 * 16 * 4 * 3)).toBe(block > 0 ? 6 : 0);
  });

  it('MaxPool over tiling windows hands dY to the max cell, shared once among tied cells', async () => {
    const c: CheckCase = { x: [1, 1, 2, 4], nodes: [{ op: 'MaxPool', inputs: ['x'], outputs: ['y'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } }] };
    const { model } = caseModel(c);
    // Left window: one max (5) at row 1 col 0; right window: all four cells tie at 2.
    const x = Float32Array.from([1, 4, 2, 2, 5, 3, 2, 2]);
    const tg = await buildTrainGraph(model, { batchSize: 1, loss: { kind: 'weighted-sum', weights: Float32Array.from([2, 8]) }, inputGradients: ['x'] });
    expect(tg.model.graph.node.some((n) => n.opType === 'ScatterElements')).toBe(false);
    const session = await createSession(encodeModel(tg.model));
    const out = await session.run({ x: new ort.Tensor('float32', x, [1, 1, 2, 4]) });
    expect(Array.from(out.y.data as Float32Array)).toEqual([5, 2]);
    expect(Array.from(out[tg.inputGradOutputs.get('x')!].data as Float32Array)).toEqual([0, 0, 2, 2, 2, 0, 2, 2]);
  });
});
