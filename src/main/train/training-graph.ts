// Builds the one ONNX training graph a step runs: trainable initializers become inputs,
// the loss is appended, and the reverse-mode gradients (plus BatchNormalization batch
// statistics) become outputs. The batch size is fixed, so every shape is static.
import { onnx } from '../onnx/proto.ts';
import { cloneModel, opsetVersion, type Model, type Node } from '../onnx/model.ts';
import { GraphIndex, makeValueInfo, topologicalOrder, valueInfoDims } from '../onnx/graph.ts';
import { tensorToFloat32 } from '../onnx/tensor.ts';
import { WhittleError } from '../../shared/errors.ts';
import { ort } from '../runtime/session.ts';
import { Emitter, TRAIN_OPSET } from './autodiff/emit.ts';
import { decompose, type BatchNormStats } from './autodiff/decompose.ts';
import { differentiate } from './autodiff/differentiate.ts';
import { probeModel, type ProbeResult } from './probe.ts';
import { appendLoss, LABELS_INPUT, lossNeedsLabels, lossNeedsTeacher, TEACHER_INPUT, type FeatureTerm, type LossSpec } from './losses.ts';
import { seededRandom } from '../data/dataset.ts';

export interface TrainGraphOptions {
  batchSize: number;
  loss: LossSpec;
  /** Graph output holding the logits (default: the first output). */
  output?: string;
  features?: FeatureTerm[];
  batchNorm?: 'train' | 'frozen';
  dropout?: boolean;
  /** Initializers never trained (in addition to BN running statistics and integer tensors). */
  frozen?: string[];
  /** Graph inputs to differentiate as well (gradient checks). */
  inputGradients?: string[];
}

export interface TrainParam {
  name: string;
  dims: number[];
  /** Initial values (a copy of the initializer, or a fresh init for loss projections). */
  values: Float32Array;
  gradOutput: string;
  /** True for tensors the loss added (projections): not part of the exported model. */
  lossOnly: boolean;
}

export interface TrainGraph {
  model: Model;
  dataInput: string;
  sampleShape: number[];
  batchSize: number;
  numClasses: number;
  labelInput?: string;
  teacherInput?: string;
  featureInputs: string[];
  lossOutput: string;
  logitsOutput: string;
  params: TrainParam[];
  inputGradOutputs: Map<string, string>;
  bnStats: BatchNormStats[];
}

function randomFeed(dims: number[], seed: number): ort.Tensor {
  const rand = seededRandom(seed);
  const data = Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => rand());
  return new ort.Tensor('float32', data, dims);
}

function isTrainableCandidate(t: onnx.TensorProto, consumers: Node[]): boolean {
  if (t.dataType !== onnx.TensorProto.DataType.FLOAT) return false;
  const count = t.dims.reduce((a, b) => a * Number(b), 1);
  if (count > 1) return true;
  // A lone float is usually a constant of arithmetic; it is a parameter only as a layer weight or bias.
  return consumers.some((c) => ['Conv', 'Gemm', 'MatMul', 'BatchNormalization', 'Gather'].includes(c.opType));
}

export async function buildTrainGraph(source: Model, opts: TrainGraphOptions): Promise<TrainGraph> {
  const model = cloneModel(source);
  const graph = model.graph;
  const index = new GraphIndex(graph);
  const realInputs = index.realInputs();
  const data = realInputs[0];
  if (!data) throw new WhittleError('train.no-input', 'The model has no input to feed training data into.', 'Choose a model with an image or feature input.');
  const declared = valueInfoDims(data) ?? [];
  const sampleShape = declared.slice(1).map((d) => (typeof d === 'number' && d > 0 ? d : -1));
  if (sampleShape.some((d) => d < 0)) throw new WhittleError('train.dynamic-input', `Input '${data.name}' has unknown dimensions [${declared.join(', ')}] beyond the batch axis.`, 'Export the model with a fixed input size.');
  const n = opts.batchSize;
  const logits = opts.output ?? graph.output[0]?.name;
  const sourceOpset = opsetVersion(model) ?? TRAIN_OPSET;
  const opset = Math.max(sourceOpset, TRAIN_OPSET);
  const dataDims = [n, ...sampleShape];

  const first = await probeModel(model, { [data.name]: randomFeed(dataDims, 1), ...extraFeeds(realInputs.slice(1)) });
  const numClasses = first.shapes.get(logits)?.[1] ?? 0;

  const fwd = new Emitter(first.shapes, first.values, 'train', opset);
  const decomposed = decompose(topologicalOrder(graph), fwd, { batchNorm: opts.batchNorm ?? 'train', dropout: opts.dropout ?? false, sourceOpset });
  const forwardNodes = [...fwd.nodes];

  const labelInput = lossNeedsLabels(opts.loss) ? LABELS_INPUT : undefined;
  const teacherInput = lossNeedsTeacher(opts.loss) ? TEACHER_INPUT : undefined;
  const features = opts.features ?? [];
  const featureInputs = features.map((_, i) => `whittle.teacher_feature_${i}`);
  const lossInputs = { labels: labelInput, teacher: teacherInput, features: featureInputs, extraParams: new Map<string, number[]>() };
  // Loss nodes need the logits' shape; give the emitter the shapes of the rewritten graph so far.
  for (const [k, v] of first.shapes) fwd.shapes.set(k, v);
  for (const f of featureInputs.map((name, i) => [name, features[i].teacherDims] as const)) fwd.shapes.set(f[0], [...f[1]]);
  const classDims = [n, numClasses];
  if (labelInput) fwd.shapes.set(labelInput, classDims);
  if (teacherInput) fwd.shapes.set(teacherInput, classDims);
  const lossNodesStart = fwd.nodes.length;
  const loss = appendLoss(fwd, opts.loss, logits, features, lossInputs);
  const lossNodes = fwd.nodes.slice(lossNodesStart);

  const consumers = (name: string) => index.consumersOf(name);
  const frozen = new Set([...(opts.frozen ?? []), ...decomposed.frozen]);
  const candidates = graph.initializer.filter((t) => !frozen.has(t.name) && isTrainableCandidate(t, consumers(t.name))).map((t) => t.name);
  const projections = [...lossInputs.extraParams.entries()];

  // Probe the rewritten forward graph + loss for the shapes of every new value.
  const forwardModel = assemble(model, opset, [...forwardNodes, ...lossNodes], fwd.initializers, []);
  forwardModel.graph.input = [makeValueInfo(data.name, 1, dataDims), ...realInputs.slice(1)];
  const feeds: Record<string, ort.Tensor> = { [data.name]: randomFeed(dataDims, 1), ...extraFeeds(realInputs.slice(1)) };
  if (labelInput) feeds[labelInput] = randomFeed(classDims, 2);
  if (teacherInput) feeds[teacherInput] = randomFeed(classDims, 3);
  featureInputs.forEach((f, i) => { feeds[f] = randomFeed(features[i].teacherDims, 4 + i); });
  for (const [name, dims] of projections) feeds[name] = randomFeed(dims, 9);
  for (const name of [labelInput, teacherInput, ...featureInputs, ...projections.map((p) => p[0])]) {
    if (name) forwardModel.graph.input.push(makeValueInfo(name, 1, [...feeds[name].dims]));
  }
  forwardModel.graph.output = [onnx.ValueInfoProto.create({ name: loss })];
  const second = await probeModel(forwardModel, feeds);

  const grads = new Emitter(second.shapes, mergeValues(first, second), 'grad', opset);
  const wrt = [...candidates, ...projections.map((p) => p[0]), ...(opts.inputGradients ?? [])];
  const gradOf = differentiate([...forwardNodes, ...lossNodes], loss, wrt, grads);

  const params: TrainParam[] = [];
  const outputNodes: Node[] = [];
  const gradOutput = (name: string) => {
    const out = `grad:${name}`;
    outputNodes.push(onnx.NodeProto.create({ opType: 'Identity', input: [gradOf.get(name)!], output: [out], name: out }) as Node);
    return out;
  };
  for (const name of candidates) {
    if (!gradOf.has(name)) continue;
    const t = index.initializers.get(name)!;
    params.push({ name, dims: t.dims.map(Number), values: tensorToFloat32(t), gradOutput: gradOutput(name), lossOnly: false });
  }
  for (const [name, dims] of projections) {
    const rand = seededRandom(17);
    const fanIn = dims.slice(1).reduce((a, b) => a * b, 1);
    const bound = Math.sqrt(1 / fanIn);
    params.push({ name, dims, values: Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => (rand() * 2 - 1) * bound), gradOutput: gradOutput(name), lossOnly: true });
  }
  const inputGradOutputs = new Map((opts.inputGradients ?? []).filter((i) => gradOf.has(i)).map((i) => [i, gradOutput(i)] as const));

  const paramNames = new Set(params.map((p) => p.name));
  const bnOutputs = decomposed.bnStats.flatMap((s) => [s.batchMean, s.batchVar]);
  const train = assemble(model, opset, [...forwardNodes, ...lossNodes, ...grads.nodes, ...outputNodes], [...fwd.initializers, ...grads.initializers], [...paramNames]);
  train.graph.input = [
    makeValueInfo(data.name, 1, dataDims), ...realInputs.slice(1),
    ...[labelInput, teacherInput, ...featureInputs].filter((x): x is string => !!x).map((name) => makeValueInfo(name, 1, second.shapes.get(name)!)),
    ...params.map((p) => makeValueInfo(p.name, 1, p.dims)),
  ];
  train.graph.output = [loss, logits, ...params.map((p) => p.gradOutput), ...inputGradOutputs.values(), ...bnOutputs]
    .map((name) => onnx.ValueInfoProto.create({ name }));
  return {
    model: train, dataInput: data.name, sampleShape, batchSize: n, numClasses,
    labelInput, teacherInput, featureInputs, lossOutput: loss, logitsOutput: logits,
    params, inputGradOutputs, bnStats: decomposed.bnStats,
  };
}

function extraFeeds(inputs: onnx.ValueInfoProto[]): Record<string, ort.Tensor> {
  if (inputs.length === 0) return {};
  throw new WhittleError('train.multiple-inputs', `The model has ${inputs.length + 1} inputs; training feeds one (${inputs.map((i) => i.name).join(', ')} would be left empty).`, 'Train a model with a single data input.');
}

function mergeValues(a: ProbeResult, b: ProbeResult): Map<string, number[]> {
  return new Map([...a.values, ...b.values]);
}

/** A model with the source's metadata and opset, the given nodes, and the source's initializers minus `drop`. */
function assemble(source: Model, opset: number, nodes: Node[], extra: onnx.TensorProto[], drop: string[]): Model {
  const dropped = new Set(drop);
  const graph = {
    ...source.graph, node: nodes, valueInfo: [],
    initializer: [...source.graph.initializer.filter((t) => !dropped.has(t.name)), ...extra],
  };
  const opsetImport = source.opsetImport.map((o) => ((o.domain ?? '') === '' || o.domain === 'ai.onnx' ? { ...o, version: opset } : o));
  return { ...source, irVersion: Math.max(Number(source.irVersion), 8), opsetImport, graph } as unknown as Model;
}
