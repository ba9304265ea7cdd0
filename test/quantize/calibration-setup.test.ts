// Calibration's setup copies the model without re-encoding its weights (copySharingTensors):
// these tests check that no copy it makes, and no edit to one, reaches the caller's model.
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/main/onnx/builder/index.ts';
import { cloneModel, copySharingTensors, encodeModel, type Model } from '../../src/main/onnx/model.ts';
import { makeNode, renameUses, setAttr, setInitializer } from '../../src/main/onnx/graph.ts';
import { onnx } from '../../src/main/onnx/proto.ts';
import { float32Tensor } from '../../src/main/onnx/tensor.ts';
import { normalizeForQuantization } from '../../src/main/passes/quantize/normalize.ts';
import { probeValueTypes, withExtraOutputs } from '../../src/main/passes/quantize/probe.ts';
import { withRangeOutputs } from '../../src/main/passes/quantize/calibration-graph.ts';
import { calibrateModel } from '../../src/main/passes/quantize/static.ts';
import { synthetic } from './helpers.ts';
import { readFileSync } from 'node:fs';
import { decodeModel } from '../../src/main/onnx/model.ts';
import { createSession } from '../../src/main/runtime/session.ts';
import { fixtureModel, type FixtureName } from '../fixtures-path.ts';

/** Types as the probe read them before it left the weights out: every value a graph output of the whole model. */
async function typesWithWeights(model: Model): Promise<Map<string, { type: string; shape: (number | string)[] }>> {
  const session = await createSession(encodeModel(withExtraOutputs(model, model.graph.node.flatMap((n) => n.output.filter((o) => o)))), { optimization: 'disabled', threads: 1 });
  const types = new Map([...session.inputMetadata, ...session.outputMetadata].map((m) => [m.name, m.isTensor ? { type: m.type, shape: [...m.shape] } : { type: 'non-tensor', shape: [] }]));
  await session.release();
  return types;
}

/** Conv + BatchNormalization (folded by normalize), a Constant and an Identity of a weight (inlined). */
function bnNet(): Model {
  const b = new GraphBuilder(5);
  let [x] = b.conv('input', [3, 8, 8], { outChannels: 16, kernel: 3, pad: 1, bias: false });
  x = b.relu(b.batchNorm(x, 16, 'bn1'));
  const w = b.heWeights('w2', [16, 16, 1, 1], 16);
  b.op('Identity', [w], ['w2.alias']);
  b.op('Constant', [], ['k'], { value: float32Tensor('', [1], [0.5]) });
  x = b.op('Conv', [x, 'w2.alias'], ['conv2.out'], { kernel_shape: [1, 1] });
  x = b.op('Mul', [x, 'k'], ['scaled']);
  b.gemm(b.flatten(b.globalAveragePool(x)), 16, 4, 'fc');
  return b.finish([3, 8, 8], 4, 'bn net', 'test');
}

describe('calibration setup copies', () => {
  it('copySharingTensors: edits to the copy never reach the source; unchanged it encodes the same bytes', () => {
    const source = bnNet();
    const before = encodeModel(source);
    const copy = copySharingTensors(source);
    expect(encodeModel(copy)).toEqual(before);
    expect(copy.graph.initializer[0]).toBe(source.graph.initializer[0]);
    copy.graph.node.push(makeNode('Relu', ['scaled'], ['extra']));
    copy.graph.output.push(onnx.ValueInfoProto.create({ name: 'extra' }));
    renameUses(copy.graph, 'input', 'renamed');
    renameUses(copy.graph, copy.graph.output[0].name, 'renamed_out');
    copy.graph.node[0].output[0] = 'changed';
    setAttr(copy.graph.node.find((n) => n.opType === 'Conv')!, 'group', 1);
    setInitializer(copy.graph, float32Tensor(copy.graph.initializer[0].name, [1], [7]));
    copy.opsetImport[0].version = 99;
    expect(encodeModel(source)).toEqual(before);
  });

  it('normalize, the type probe and the calibration graph leave the caller\'s model as it was', async () => {
    const source = bnNet();
    const before = encodeModel(source);
    const normalized = normalizeForQuantization(source);
    expect(normalized.graph.node.some((n) => n.opType === 'BatchNormalization' || n.opType === 'Constant' || n.opType === 'Identity')).toBe(false);
    const types = await probeValueTypes(normalized);
    const names = normalized.graph.node.flatMap((n) => n.output);
    withExtraOutputs(normalized, names);
    withRangeOutputs(normalized, names, types);
    await calibrateModel(source, synthetic(8, [3, 8, 8]), { sqnrSamples: 0 }, {});
    expect(encodeModel(source)).toEqual(before);
    // And the normalized model is what a deep copy normalized gives.
    expect(encodeModel(normalized)).toEqual(encodeModel(normalizeForQuantization(cloneModel(source))));
  });

  const fixtures: FixtureName[] = ['mobilenet_v2-random.onnx', 'mobilenet_v3_small-random.onnx', 'shufflenet_v2_x1_0-random.onnx', 'yolo-tiny-random.onnx', 'vit-tiny-mnist-trained.onnx'];
  for (const name of fixtures) {
    it(`the type probe without the weights' data reads the same types and shapes: ${name}`, async () => {
      const model = normalizeForQuantization(decodeModel(readFileSync(fixtureModel(name))));
      const got = await probeValueTypes(model);
      const want = await typesWithWeights(model);
      expect(got.size).toBeGreaterThan(20);
      expect([...got]).toEqual([...want]);
    });
  }
});
