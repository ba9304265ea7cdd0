// Probing shapes for a batch without running it: probes at batch 1 and 2, extended linearly,
// match a probe at the batch itself, computed Reshape targets included.
import { describe, expect, it } from 'vitest';
import { onnx } from '../../src/main/onnx/proto.ts';
import { makeNode, makeValueInfo } from '../../src/main/onnx/graph.ts';
import { float32Tensor, int64Tensor } from '../../src/main/onnx/tensor.ts';
import type { Model } from '../../src/main/onnx/model.ts';
import { ort } from '../../src/main/runtime/session.ts';
import { probeAtBatch, probeModel } from '../../src/main/train/probe.ts';
import { buildResNet } from '../../src/main/onnx/builder/index.ts';

/** x [N, 2, 3] -> Reshape(x, concat(shape(x)[0], -1)) -> MatMul w [6, 4]. */
function computedReshape(): Model {
  const graph = onnx.GraphProto.create({
    name: 'computed', input: [makeValueInfo('x', 1, ['N', 2, 3])], output: [onnx.ValueInfoProto.create({ name: 'y' })],
    initializer: [int64Tensor('zero', [], [0]), int64Tensor('minus1', [1], [-1]), int64Tensor('axis0', [1], [0]), float32Tensor('w', [6, 4], new Array(24).fill(0.5))],
    node: [
      makeNode('Shape', ['x'], ['s']), makeNode('Gather', ['s', 'zero'], ['n']), makeNode('Unsqueeze', ['n', 'axis0'], ['n1']),
      makeNode('Concat', ['n1', 'minus1'], ['target'], { attrs: { axis: 0 } }), makeNode('Reshape', ['x', 'target'], ['flat']), makeNode('MatMul', ['flat', 'w'], ['y']),
    ],
  });
  return onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ domain: '', version: 17 }], graph }) as unknown as Model;
}

const feed = (dims: number[]) => new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)), dims);

/** computedReshape plus data-dependent values: a float scalar ("a loss") and integer predictions [N, 2]. */
function withDataValues(): Model {
  const model = computedReshape();
  model.graph.node.push(
    makeNode('ReduceMean', ['y'], ['loss'], { attrs: { keepdims: 0 } }) as never,
    makeNode('ArgMax', ['x'], ['pred'], { attrs: { axis: 2, keepdims: 0 } }) as never,
  );
  model.graph.output.push(onnx.ValueInfoProto.create({ name: 'loss' }), onnx.ValueInfoProto.create({ name: 'pred' }));
  return model;
}

const varied = (dims: number[]) => new ort.Tensor('float32', Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i * 1.7 + dims[0])), dims);

describe('probeAtBatch', () => {
  it('extends a graph with data-dependent values (a loss, predictions) without running the batch, and keeps none of them as constants', async () => {
    const model = withDataValues();
    const direct = await probeModel(model, { x: varied([7, 2, 3]) });
    const extended = await probeAtBatch(model, (b) => {
      if (b === 7) throw new Error('probed at the full batch');
      return { x: varied([b, 2, 3]) };
    }, 7);
    for (const [name, dims] of direct.shapes) expect(extended.shapes.get(name), name).toEqual(dims);
    expect(extended.values.get('target')).toEqual([7, -1]);
    expect(extended.values.has('loss')).toBe(false);
    expect(extended.values.has('pred')).toBe(false);
    expect(direct.values.has('loss') && direct.values.has('pred')).toBe(true);
  });

  it('extends shapes and shape values to the batch', async () => {
    const model = computedReshape();
    const direct = await probeModel(model, { x: feed([7, 2, 3]) });
    const extended = await probeAtBatch(model, (b) => ({ x: feed([b, 2, 3]) }), 7);
    expect(extended.shapes.get('flat')).toEqual([7, 6]);
    expect(extended.values.get('target')).toEqual([7, -1]);
    for (const [name, dims] of direct.shapes) expect(extended.shapes.get(name), name).toEqual(dims);
  });

  it('agrees with a direct probe on every value of a residual network', async () => {
    const model = buildResNet({ depth: 'small', inputSize: 16, classes: 10, seed: 1 });
    const direct = await probeModel(model, { input: feed([5, 3, 16, 16]) });
    const extended = await probeAtBatch(model, (b) => ({ input: feed([b, 3, 16, 16]) }), 5);
    expect(extended.shapes.size).toBe(direct.shapes.size);
    for (const [name, dims] of direct.shapes) expect(extended.shapes.get(name), name).toEqual(dims);
  });
});
