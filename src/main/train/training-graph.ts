// Builds the one ONNX training graph a step runs: trainable initializers become inputs,
// the loss is appended, and the reverse-mode gradients (plus BatchNormalization batch
// statistics) become outputs. The batch size is fixed, so every shape is static.
import { onnx } from '../onnx/proto.ts';
import { cloneModel, opsetVersion, type Model, type Node } from '../onnx/model.ts';
import { GraphIndex, makeValueInfo, topologicalOrder, valueInfoDims, valueInfoElemType } from '../onnx/graph.ts';
import { tensorToFloat32 } from '../onnx/tensor.ts';
import { WhittleError } from '../../shared/errors.ts';
import { ort } from '../runtime/session.ts';
import { Emitter, TRAIN_OPSET } from './autodiff/emit.ts';
import { decompose, type BatchNormStats } from './autodiff/decompose.ts';
import { differentiate } from './autodiff/differentiate.ts';
import { probeAtBatch, type ProbeResult } from './probe.ts';
import { appendLoss, LABELS_INPUT, lossNeedsLabels, lossNeedsTeacher, TEACHER_INPUT, type FeatureTerm, type LossSpec } from './losses.ts';
import { seededRandom } from '../data/dataset.ts';
import { consumersThroughAliases } from './aliases.ts';
import { joinReorders, useNchwcConvs } from './nchwc.ts';
import { nchwcBlockSize } from '../runtime/nchwc.ts';

export interface TrainGraphOptions {
  batchSize: number;
  loss: LossSpec;
  /** Graph output holding the logits (default: the first output). */
  output?: string;
  features?: FeatureTerm[];
  batchNorm?: 'train' | 'frozen';
  dropout?: boolean;
  /** Initializers never trained (in addition to BN running statistics and integer tensors); an entry ending in '*' is a name prefix. */
  frozen?: string[];
  /** Exactly these initializers are trained (instead of the layer parameters found by op slot). */
  trainable?: string[];
  /** Graph inputs to differentiate as well (gradient checks). */
  inputGradients?: string[];
  /** Model input the dataset's main samples feed (default: the first input). */
  dataInput?: string;
  /** Further data inputs the dataset supplies by name (models with several inputs). */
  extraInputs?: ExtraInput[];
  /** Run block-aligned Convs on ORT's NCHWc kernels (default true; false keeps plain ONNX Convs, for comparison). */
  nchwc?: boolean;
}

/** A data input besides the main one, with its per-sample shape. */
export interface ExtraInput { name: string; sampleShape: number[] }

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
  /** Further data inputs fed per batch, in the order the dataset gives them. */
  extraInputs: ExtraInput[];
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

/** Input slots that hold a layer's parameters, by op type. */
const PARAMETER_SLOTS: Record<string, number[]> = {
  Conv: [1, 2], ConvTranspose: [1, 2], Gemm: [0, 1, 2], MatMul: [0, 1], BatchNormalization: [1, 2], Gather: [0],
  LayerNormalization: [1, 2], Expand: [0],
  // A bias or scale applied by plain arithmetic (Linear exported as MatMul + Add, LayerScale).
  // Sub and Div are left out: their float constants are usually input normalization.
  Add: [0, 1], Mul: [0, 1],
};

/** `consumers` are found through aliases (Identity), so a parameter fed through a copy is still one. */
function isTrainableCandidate(t: onnx.TensorProto, consumers: Node[]): boolean {
  if (t.dataType !== onnx.TensorProto.DataType.FLOAT) return false;
  const count = t.dims.reduce((a, b) => a * Number(b), 1);
  return consumers.some((c) => {
    const slots = PARAMETER_SLOTS[c.opType] ?? [];
    if (!slots.some((i) => c.input[i] === t.name)) return false;
    // A lone float in arithmetic is a constant (x * 0.5), not a parameter.
    return count > 1 || !['Add', 'Mul'].includes(c.opType);
  });
}

function isFrozen(name: string, frozen: Set<string>, prefixes: string[]): boolean {
  return frozen.has(name) || prefixes.some((p) => name.startsWith(p));
}

/** The data input and its per-sample shape (every axis but the batch must be fixed), and the other data inputs. */
function dataInputOf(index: GraphIndex, opts: TrainGraphOptions): { data: onnx.ValueInfoProto; extras: ExtraInput[]; sampleShape: number[] } {
  const inputs = index.realInputs();
  const data = opts.dataInput ? inputs.find((i) => i.name === opts.dataInput) : inputs[0];
  if (!data) {
    const what = opts.dataInput ? `no input named '${opts.dataInput}' (it has ${inputs.map((i) => i.name).join(', ') || 'none'})` : 'no input to feed training data into';
    throw new WhittleError('train.no-input', `The model has ${what}.`, 'Choose a model with an image or feature input, or a dataset whose input name matches the model.');
  }
  const declared = valueInfoDims(data) ?? [];
  const sampleShape = declared.slice(1).map((d) => (typeof d === 'number' && d > 0 ? d : -1));
  if (sampleShape.some((d) => d < 0)) throw new WhittleError('train.dynamic-input', `Input '${data.name}' has unknown dimensions [${declared.join(', ')}] beyond the batch axis.`, 'Export the model with a fixed input size.');
  const rest = inputs.filter((i) => i !== data);
  const supplied = new Map((opts.extraInputs ?? []).map((x) => [x.name, x] as const));
  const missing = rest.filter((i) => !supplied.has(i.name)).map((i) => i.name);
  if (missing.length) {
    throw new WhittleError('train.multiple-inputs', `The model has ${inputs.length} inputs and the dataset feeds ${inputs.length - missing.length} (${missing.join(', ')} would be left empty).`, 'Use a dataset that supplies every model input by name (extra inputs), or train a model with a single data input.');
  }
  const extras = rest.map((i) => {
    const x = supplied.get(i.name)!;
    const dims = (valueInfoDims(i) ?? []).slice(1);
    if (valueInfoElemType(i) !== onnx.TensorProto.DataType.FLOAT || dims.some((d, k) => typeof d === 'number' && d > 0 && d !== x.sampleShape[k]) || dims.length !== x.sampleShape.length) {
      throw new WhittleError('train.shape-mismatch', `Model input '${i.name}' takes float samples of shape [${dims.join(', ')}] but the dataset supplies [${x.sampleShape.join(', ')}].`, 'Supply each extra input with the model input\'s per-sample shape (float values).');
    }
    return x;
  });
  return { data, extras, sampleShape };
}

interface LossStage {
  loss: string;
  nodes: Node[];
  labelInput?: string;
  teacherInput?: string;
  featureInputs: string[];
  projections: [string, number[]][];
  /** Dims of every extra input the loss reads (labels, teacher outputs, projections). */
  inputDims: Map<string, number[]>;
}

function appendLossStage(fwd: Emitter, opts: TrainGraphOptions, logits: string, numClasses: number): LossStage {
  const labelInput = lossNeedsLabels(opts.loss) ? LABELS_INPUT : undefined;
  const teacherInput = lossNeedsTeacher(opts.loss) ? TEACHER_INPUT : undefined;
  const features = opts.features ?? [];
  const featureInputs = features.map((_, i) => `whittle.teacher_feature_${i}`);
  const inputDims = new Map<string, number[]>();
  const classDims = [opts.batchSize, numClasses];
  if (labelInput) inputDims.set(labelInput, classDims);
  // The teacher's output matches the student's whole output (detector maps too, not just [N, classes]).
  if (teacherInput) inputDims.set(teacherInput, fwd.shapes.get(logits) ?? classDims);
  featureInputs.forEach((name, i) => inputDims.set(name, [...features[i].teacherDims]));
  for (const [name, dims] of inputDims) fwd.shapes.set(name, dims);
  const lossInputs = { labels: labelInput, teacher: teacherInput, features: featureInputs, extraParams: new Map<string, number[]>() };
  const start = fwd.nodes.length;
  const loss = appendLoss(fwd, opts.loss, logits, features, lossInputs);
  const projections = [...lossInputs.extraParams.entries()];
  for (const [name, dims] of projections) inputDims.set(name, dims);
  return { loss, nodes: fwd.nodes.slice(start), labelInput, teacherInput, featureInputs, projections, inputDims };
}

function projectionInit(dims: number[]): Float32Array {
  const rand = seededRandom(17);
  const bound = Math.sqrt(1 / dims.slice(1).reduce((a, b) => a * b, 1));
  return Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => (rand() * 2 - 1) * bound);
}

export async function buildTrainGraph(source: Model, opts: TrainGraphOptions): Promise<TrainGraph> {
  const model = cloneModel(source);
  const graph = model.graph;
  const index = new GraphIndex(graph);
  const { data, extras, sampleShape } = dataInputOf(index, opts);
  const n = opts.batchSize;
  const logits = opts.output ?? graph.output[0]?.name;
  const sourceOpset = opsetVersion(model) ?? TRAIN_OPSET;
  const opset = Math.max(sourceOpset, TRAIN_OPSET);
  const dataDims = [n, ...sampleShape];

  // Shapes of the source graph first: the rewrites and the loss need them.
  const dataFeeds = (b: number): [string, ort.Tensor][] => [
    [data.name, randomFeed([b, ...sampleShape], 1)], ...extras.map((x, i) => [x.name, randomFeed([b, ...x.sampleShape], 50 + i)] as [string, ort.Tensor]),
  ];
  const extraInfos = extras.map((x) => makeValueInfo(x.name, 1, [n, ...x.sampleShape]));
  const first = await probeAtBatch(model, (b) => Object.fromEntries(dataFeeds(b)), n);
  const numClasses = first.shapes.get(logits)?.[1] ?? 0;
  const fwd = new Emitter(first.shapes, first.values, 'train', opset);
  fwd.nchwcBlock = opts.nchwc === false ? 0 : await nchwcBlockSize();
  const keep = new Set([logits, ...graph.output.map((o) => o.name ?? ''), ...(opts.features ?? []).map((f) => f.student)]);
  const decomposed = decompose(topologicalOrder(graph), fwd, { batchNorm: opts.batchNorm ?? 'train', dropout: opts.dropout ?? false, sourceOpset, keep });
  const forwardNodes = [...fwd.nodes];
  const stage = appendLossStage(fwd, opts, logits, numClasses);

  // Then the shapes of every value the rewrites and the loss created.
  // It is probed at batch 1 and 2 and extended to n, so its batch-first inputs are symbolic.
  // Loss inputs (labels, teacher outputs) have a batch axis first; learned projections do not.
  const forwardModel = assemble(model, opset, [...forwardNodes, ...stage.nodes], fwd.initializers, []);
  const fedByLoss = [stage.labelInput, stage.teacherInput, ...stage.featureInputs].filter((x): x is string => !!x);
  const lossInputDims = <B extends number | string>(name: string, dims: number[], batch: B): (number | B)[] => (fedByLoss.includes(name) ? [batch, ...dims.slice(1)] : dims);
  forwardModel.graph.input = [
    makeValueInfo(data.name, 1, ['N', ...sampleShape]), ...extras.map((x) => makeValueInfo(x.name, 1, ['N', ...x.sampleShape])),
    ...[...stage.inputDims].map(([name, dims]) => makeValueInfo(name, 1, lossInputDims(name, dims, 'N'))),
  ];
  forwardModel.graph.output = [onnx.ValueInfoProto.create({ name: stage.loss })];
  const feedsAt = (b: number): Record<string, ort.Tensor> => Object.fromEntries([
    ...dataFeeds(b),
    ...[...stage.inputDims].map(([name, dims], i) => [name, randomFeed(lossInputDims(name, dims, b), 2 + i)]),
  ]);
  const second = await probeAtBatch(forwardModel, feedsAt, n);

  const frozen = new Set([...(opts.frozen ?? []), ...decomposed.frozen]);
  const prefixes = (opts.frozen ?? []).filter((f) => f.endsWith('*')).map((f) => f.slice(0, -1));
  const chosen = opts.trainable ? new Set(opts.trainable) : undefined;
  const candidates = graph.initializer
    .filter((t) => !isFrozen(t.name, frozen, prefixes) && (chosen ? chosen.has(t.name) : isTrainableCandidate(t, consumersThroughAliases(index, t.name))))
    .map((t) => t.name);
  const grads = new Emitter(second.shapes, mergeValues(first, second), 'grad', opset);
  grads.nchwcBlock = fwd.nchwcBlock;
  const wrt = [...candidates, ...stage.projections.map((p) => p[0]), ...(opts.inputGradients ?? [])];
  const gradOf = differentiate([...forwardNodes, ...stage.nodes], stage.loss, wrt, grads, decomposed.fused);

  // Name every gradient as an output; parameters the loss does not reach are not trained.
  const outputNodes: Node[] = [];
  const gradOutput = (name: string) => {
    const out = `grad:${name}`;
    outputNodes.push(onnx.NodeProto.create({ opType: 'Identity', input: [gradOf.get(name)!], output: [out], name: out }) as Node);
    return out;
  };
  const params: TrainParam[] = [
    ...candidates.filter((name) => gradOf.has(name)).map((name) => {
      const t = index.initializers.get(name)!;
      return { name, dims: t.dims.map(Number), values: tensorToFloat32(t), gradOutput: gradOutput(name), lossOnly: false };
    }),
    ...stage.projections.map(([name, dims]) => ({ name, dims, values: projectionInit(dims), gradOutput: gradOutput(name), lossOnly: true })),
  ];
  const inputGradOutputs = new Map((opts.inputGradients ?? []).filter((i) => gradOf.has(i)).map((i) => [i, gradOutput(i)] as const));

  const train = assemble(model, opset, [...forwardNodes, ...stage.nodes, ...grads.nodes, ...outputNodes], [...fwd.initializers, ...grads.initializers], params.map((p) => p.name));
  train.graph.input = [
    makeValueInfo(data.name, 1, dataDims), ...extraInfos,
    ...fedByLoss.map((name) => makeValueInfo(name, 1, stage.inputDims.get(name)!)),
    ...params.map((p) => makeValueInfo(p.name, 1, p.dims)),
  ];
  const bnOutputs = decomposed.bnStats.flatMap((s) => [s.batchMean, s.batchVar]);
  train.graph.output = [stage.loss, logits, ...params.map((p) => p.gradOutput), ...inputGradOutputs.values(), ...bnOutputs]
    .map((name) => onnx.ValueInfoProto.create({ name }));
  useNchwcConvs(train, (name) => grads.shapes.get(name), grads.nchwcBlock, grads.blockedKernelSources);
  joinReorders(train, grads.nchwcBlock);
  return {
    model: train, dataInput: data.name, sampleShape, extraInputs: extras, batchSize: n, numClasses,
    labelInput: stage.labelInput, teacherInput: stage.teacherInput, featureInputs: stage.featureInputs,
    lossOutput: stage.loss, logitsOutput: logits, params, inputGradOutputs, bnStats: decomposed.bnStats,
  };
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
