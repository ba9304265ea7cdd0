// Static shape inference against the shapes ONNX Runtime actually produces, for the
// fixtures, builder models and a graph exercising every rule (PyTorch's reshape chain too).
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { onnx, DataType } from '../../src/main/onnx/proto.ts';
import type { Model } from '../../src/main/onnx/model.ts';
import { loadModelFile } from '../../src/main/onnx/file.ts';
import { GraphBuilder, buildMobileNetV2Style, buildResNet } from '../../src/main/onnx/builder/index.ts';
import { makeNode, makeValueInfo, setAttr } from '../../src/main/onnx/graph.ts';
import { float32Tensor, int64Tensor } from '../../src/main/onnx/tensor.ts';
import { inferShapes } from '../../src/main/onnx/shapes.ts';
import { inferShapesComplete, runtimeShapes } from '../../src/main/onnx/shapes-runtime.ts';
import { FIXTURES_DIR } from '../fixtures-path.ts';

const FIXTURES = `${FIXTURES_DIR}/`;

/** Every node output's static shape (batch bound to `batch`) equals ORT's, and none is missing. */
async function expectStaticMatchesRuntime(model: Model, batch: number): Promise<number> {
  const stat = inferShapes(model, { bindings: { N: batch } });
  const measured = await runtimeShapes(model, { bindings: { N: batch } });
  const names = model.graph.node.flatMap((n) => n.output).filter(Boolean);
  expect(measured.size).toBe(names.length);
  for (const name of names) expect([name, stat.shapes.get(name)]).toEqual([name, measured.get(name)]);
  return names.length;
}

/** A graph with one of each op family, from input [N, 3, 16, 16]. */
function opZoo(): Model {
  const b = new GraphBuilder(1);
  const init = (name: string, dims: number[], values: number[]) => b.initializers.push(int64Tensor(name, dims, values));
  const fl = (name: string, dims: number[]) => b.initializers.push(float32Tensor(name, dims, Array.from({ length: dims.reduce((x, y) => x * y, 1) }, (_, i) => ((i % 7) - 3) / 10)));
  const op = (type: string, inputs: string[], outputs: string[], attrs?: Record<string, number | number[] | string>) => b.op(type, inputs, outputs, attrs);
  fl('w', [8, 3, 3, 3]);
  op('Conv', ['input', 'w'], ['conv_s2'], { strides: [2, 2], pads: [1, 1, 1, 1] }); // [N,8,8,8]
  op('Conv', ['input', 'w'], ['conv_same'], { auto_pad: 'SAME_UPPER', strides: [3, 3] });
  op('Conv', ['input', 'w'], ['conv_dil'], { dilations: [2, 3], strides: [1, 2], pads: [0, 1, 2, 0] });
  fl('wt', [8, 4, 3, 3]);
  op('ConvTranspose', ['conv_s2', 'wt'], ['deconv'], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] });
  op('AveragePool', ['deconv'], ['avg_ceil'], { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 });
  op('MaxPool', ['conv_s2'], ['maxp', 'maxp_idx'], { kernel_shape: [2, 2], strides: [2, 2] });
  op('GlobalAveragePool', ['conv_s2'], ['gap']);
  fl('bn_s', [8]);
  b.op('BatchNormalization', ['conv_s2', 'bn_s', 'bn_s', 'bn_s', 'bn_s'], ['bn']);
  setAttr(b.nodes[b.nodes.length - 1], 'epsilon', 0.5, 'float');
  fl('bias', [8, 1, 1]);
  op('Add', ['bn', 'bias'], ['bcast']);
  op('Relu', ['bcast'], ['relu']);
  op('Clip', ['relu'], ['clip']);
  op('Transpose', ['clip'], ['nhwc'], { perm: [0, 2, 3, 1] });
  op('Concat', ['clip', 'bn'], ['cat'], { axis: 1 });
  init('split_sizes', [2], [6, 10]);
  op('Split', ['cat', 'split_sizes'], ['sp_a', 'sp_b'], { axis: 1 });
  op('Split', ['cat'], ['even_a', 'even_b'], { axis: 1 });
  init('ax0', [1], [0]);
  init('ax23', [2], [2, 3]);
  op('ReduceMean', ['sp_a'], ['rmean'], { axes: [2, 3], keepdims: 1 });
  op('ReduceSum', ['sp_a', 'ax23'], ['rsum'], { keepdims: 0 });
  op('Squeeze', ['gap', 'ax23'], ['sq']);
  op('Unsqueeze', ['sq', 'ax0'], ['unsq']);
  init('sl_s', [2], [1, 0]);
  init('sl_e', [2], [-1, 100]);
  init('sl_a', [2], [2, 3]);
  init('sl_st', [2], [1, 3]);
  op('Slice', ['maxp', 'sl_s', 'sl_e', 'sl_a', 'sl_st'], ['slice']);
  init('pads', [8], [0, 0, 1, 2, 0, 0, 3, 0]);
  op('Pad', ['maxp', 'pads'], ['pad']);
  op('Softmax', ['rsum'], ['softmax'], { axis: -1 });
  fl('scales', [4]);
  b.initializers[b.initializers.length - 1] = float32Tensor('scales', [4], [1, 1, 2, 2]);
  op('Resize', ['maxp', '', 'scales'], ['resize'], { mode: 'nearest' });
  init('rs_sizes', [4], [1, 8, 5, 7]);
  op('Resize', ['maxp', '', '', 'rs_sizes'], ['resize_sizes']);
  // PyTorch's dynamic flatten: Shape -> Gather(0) -> Unsqueeze -> Concat(-1) -> Reshape
  op('Shape', ['pad'], ['shp']);
  b.initializers.push(int64Tensor('zero', [], [0]));
  op('Gather', ['shp', 'zero'], ['batch'], { axis: 0 });
  op('Unsqueeze', ['batch', 'ax0'], ['batch1']);
  init('minus1', [1], [-1]);
  op('Concat', ['batch1', 'minus1'], ['newshape'], { axis: 0 });
  op('Reshape', ['pad', 'newshape'], ['flat']);
  init('zero_keep', [3], [0, 0, -1]);
  op('Reshape', ['pad', 'zero_keep'], ['keep2']);
  op('Flatten', ['nhwc'], ['flat2'], { axis: 2 });
  fl('mm', [64, 5]);
  op('MatMul', ['flat2', 'mm'], ['matmul']);
  fl('fc', [10, 8]);
  op('Flatten', ['gap'], ['gapflat']);
  b.op('Gemm', ['gapflat', 'fc'], ['gemm'], { transB: 1 });
  op('Sigmoid', ['gemm'], ['logits']);
  const model = b.finish([3, 16, 16], 10, 'op zoo', 'zoo');
  // Every intermediate is also exposed by runtimeShapes; keep only 'logits' declared.
  model.graph.output = [makeValueInfo('logits', DataType.FLOAT, ['N', 10])];
  return model;
}

/** Opset 11 forms: axes and split as attributes, batched and 1-D MatMul, Gemm with transA, grouped ConvTranspose. */
function opset11Graph(): Model {
  const b = new GraphBuilder(2);
  const fl = (name: string, dims: number[]) => b.initializers.push(float32Tensor(name, dims, Array.from({ length: dims.reduce((x, y) => x * y, 1) }, (_, i) => (i % 5) / 10)));
  const op = (type: string, inputs: string[], outputs: string[], attrs?: Record<string, number | number[] | string>) => b.op(type, inputs, outputs, attrs);
  op('Unsqueeze', ['input'], ['u'], { axes: [0] });
  op('Squeeze', ['u'], ['s'], { axes: [0] });
  op('Split', ['s'], ['s1', 's2'], { axis: 1, split: [1, 2] });
  op('ReduceMean', ['s2'], ['rm'], { axes: [1], keepdims: 0 });
  fl('m', [8, 4]);
  op('MatMul', ['rm', 'm'], ['mm']);
  fl('v', [4]);
  op('MatMul', ['mm', 'v'], ['mv']);
  fl('ga', [6, 2]);
  fl('gb', [6, 4]);
  op('Gemm', ['ga', 'gb'], ['gemm_ta'], { transA: 1 });
  fl('wt', [2, 3, 3, 3]);
  op('ConvTranspose', ['s2', 'wt'], ['ct'], { group: 2, strides: [2, 2], auto_pad: 'SAME_UPPER' });
  op('ReduceSum', ['ct'], ['logits'], { axes: [2, 3], keepdims: 0 });
  const model = b.finish([3, 8, 8], 6, 'opset 11 forms', 'opset11');
  model.opsetImport[0].version = 11;
  return model;
}

describe('static shape inference', () => {
  it('handles opset 11 forms (attributes instead of inputs) like ONNX Runtime', async () => {
    await expectStaticMatchesRuntime(opset11Graph(), 3);
    const s = inferShapes(opset11Graph()).shapes;
    expect(s.get('mv')).toEqual(['N', 8]);
    expect(s.get('gemm_ta')).toEqual([2, 4]);
    expect(s.get('ct')).toEqual(['N', 6, 16, 16]);
  });

  it('matches ONNX Runtime on every value of the op zoo, batch 2', async () => {
    const count = await expectStaticMatchesRuntime(opZoo(), 2);
    expect(count).toBeGreaterThan(35);
  });

  it('keeps the batch symbol through the PyTorch reshape chain', () => {
    const s = inferShapes(opZoo()).shapes;
    expect(s.get('newshape')).toEqual([2]);
    expect(s.get('flat')).toEqual(['N', 8 * 8 * 6]);
    expect(s.get('keep2')).toEqual(['N', 8, 48]);
    expect(s.get('conv_s2')).toEqual(['N', 8, 8, 8]);
  });

  it('matches ONNX Runtime on both fixtures and builder networks', async () => {
    await expectStaticMatchesRuntime(loadModelFile(join(FIXTURES, 'lenet5-mnist-trained.onnx')), 3);
    await expectStaticMatchesRuntime(loadModelFile(join(FIXTURES, 'mobilenet_v2-random.onnx')), 1);
    await expectStaticMatchesRuntime(buildResNet({ depth: 'small' }), 2);
    await expectStaticMatchesRuntime(buildMobileNetV2Style({ width: 0.35, inputSize: 48, classes: 7 }), 1);
  });

  it('asks ONNX Runtime for values no rule covers', async () => {
    const model = opZoo();
    // NonZero's output shape depends on the data: no static rule can know it.
    model.graph.node.push(makeNode('NonZero', ['relu'], ['nz']));
    model.graph.node.push(makeNode('Shape', ['nz'], ['nz_shape']));
    const stat = inferShapes(model, { bindings: { N: 1 } });
    expect(stat.shapes.get('nz')).toBeUndefined();
    expect(stat.unsupportedOps.has('NonZero')).toBe(true);
    const full = await inferShapesComplete(model);
    expect(full.fromRuntime.has('nz')).toBe(true);
    const nz = full.shapes.get('nz')!;
    expect(nz[0]).toBe(4);
    expect(full.shapes.get('conv_s2')).toEqual([1, 8, 8, 8]);
  });

  it('takes Constant nodes (value and value_ints) into the folding', () => {
    const model = opZoo();
    const t = onnx.TensorProto.create(int64Tensor('', [2], [0, -1]));
    model.graph.node.push(makeNode('Constant', [], ['c_shape'], { attrs: { value: t } }));
    model.graph.node.push(makeNode('Reshape', ['pad', 'c_shape'], ['c_flat']));
    model.graph.node.push(makeNode('Constant', [], ['c_ints'], { attrs: { value_ints: [4, -1] } }));
    model.graph.node.push(makeNode('Reshape', ['pad', 'c_ints'], ['c_flat2']));
    const s = inferShapes(model, { bindings: { N: 2 } }).shapes;
    expect(s.get('c_flat')).toEqual([2, 384]);
    expect(s.get('c_flat2')).toEqual([4, 192]);
  });
});
