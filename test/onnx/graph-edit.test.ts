// Graph editing keeps models valid and runnable; the checker names each broken invariant.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cloneModel, encodeModel, type Model } from '../../src/main/onnx/model.ts';
import { loadModelFile } from '../../src/main/onnx/file.ts';
import { buildLeNet5, buildResNet } from '../../src/main/onnx/builder/index.ts';
import { GraphIndex, makeNode } from '../../src/main/onnx/graph.ts';
import { float32Tensor } from '../../src/main/onnx/tensor.ts';
import { insertNodesAfter, removeDeadCode, removeNode, replaceNode, sortTopologically } from '../../src/main/onnx/edit.ts';
import { assertValidModel, checkModel } from '../../src/main/onnx/check.ts';
import { createSession, ort } from '../../src/main/runtime/session.ts';
import { FIXTURES_DIR } from '../fixtures-path.ts';

const FIXTURES = `${FIXTURES_DIR}/`;

async function logits(model: Model): Promise<Float32Array> {
  const session = await createSession(encodeModel(model), { threads: 1 });
  const input = Float32Array.from({ length: 784 }, (_, i) => Math.cos(i * 0.05));
  return (await session.run({ input: new ort.Tensor('float32', input, [1, 1, 28, 28]) })).logits.data as Float32Array;
}

describe('graph editing', () => {
  it('inserting a Mul by 1 after a Relu keeps outputs identical', async () => {
    const model = buildLeNet5();
    const reference = await logits(model);
    const edited = cloneModel(model);
    const index = new GraphIndex(edited.graph);
    const relu = edited.graph.node.find((n) => n.opType === 'Relu')!;
    const consumers = index.consumersOf(relu.output[0]);
    edited.graph.initializer.push(float32Tensor('one', [], [1]));
    insertNodesAfter(edited.graph, relu, [makeNode('Mul', [relu.output[0], 'one'], ['scaled'])]);
    for (const c of consumers) c.input = c.input.map((x) => (x === relu.output[0] ? 'scaled' : x));
    expect(checkModel(edited)).toEqual([]);
    expect(Array.from(await logits(edited))).toEqual(Array.from(reference));
    expect(model.graph.node.length).toBe(12); // the input model was not touched
  });

  it('removing a node rewires its consumers, and an Identity keeps a graph output name', async () => {
    const model = buildLeNet5();
    const relu = model.graph.node.find((n) => n.opType === 'Relu')!;
    removeNode(model.graph, relu, relu.input[0]);
    expect(checkModel(model)).toEqual([]);
    expect((await logits(model)).length).toBe(10);
    const last = model.graph.node[model.graph.node.length - 1];
    removeNode(model.graph, last, last.input[0]);
    expect(model.graph.node[model.graph.node.length - 1].opType).toBe('Identity');
    expect(checkModel(model)).toEqual([]);
    expect((await logits(model)).length).toBe(84);
  });

  it('replaceNode and removeDeadCode', () => {
    const model = buildLeNet5();
    const flatten = model.graph.node.find((n) => n.opType === 'Flatten')!;
    model.graph.initializer.push(float32Tensor('unused', [3], [1, 2, 3]));
    replaceNode(model.graph, flatten, [makeNode('Flatten', flatten.input, flatten.output, { attrs: { axis: 1 } }), makeNode('Relu', [flatten.output[0]], ['dead'])]);
    expect(checkModel(model)).toEqual([]);
    expect(removeDeadCode(model.graph)).toEqual({ nodes: 1, initializers: 1 });
    expect(model.graph.node.some((n) => n.output[0] === 'dead')).toBe(false);
  });

  it('sortTopologically repairs a shuffled node list', async () => {
    const model = buildResNet({ depth: 'small', batchNorm: false });
    model.graph.node.reverse();
    expect(checkModel(model).some((p) => p.code === 'not-topological')).toBe(true);
    sortTopologically(model.graph);
    expect(checkModel(model)).toEqual([]);
  });
});

describe('graph checker', () => {
  it('accepts the fixtures and builder models', () => {
    expect(checkModel(loadModelFile(join(FIXTURES, 'lenet5-mnist-trained.onnx')))).toEqual([]);
    expect(checkModel(loadModelFile(join(FIXTURES, 'mobilenet_v2-random.onnx')))).toEqual([]);
    expect(checkModel(buildResNet({ depth: 'small' }))).toEqual([]);
  });

  it('names an undefined input, a duplicate output, a missing graph output and a duplicate initializer', () => {
    const model = buildLeNet5();
    model.graph.node[1].input[0] = 'ghost';
    model.graph.node[3].output[0] = model.graph.node[0].output[0];
    model.graph.output[0].name = 'nowhere';
    model.graph.initializer.push(float32Tensor('c1.bias', [6], [0, 0, 0, 0, 0, 0]));
    const codes = checkModel(model).map((p) => p.code).sort();
    // The renamed Conv output also leaves its Relu reading an undefined value.
    expect(codes).toEqual(['duplicate-initializer', 'duplicate-output', 'missing-output', 'undefined-input', 'undefined-input']);
    const messages = checkModel(model).map((p) => p.message).join('\n');
    expect(messages).toContain("reads 'ghost', which no node, input or initializer defines");
    expect(() => assertValidModel(model)).toThrow(/is not a valid graph/);
  });
});
