// models.inspect and models.graph: statistics and the drawable graph of a model a run
// produced, found by run, node and port (never by a free path, so a door cannot be made
// to read arbitrary files). Results are cached by the model's sha256.
import type { ModelValue } from '../../../shared/catalog/types.ts';
import type { GraphEdge, GraphNode, ModelGraph, ModelInspection } from '../../../shared/api/models.ts';
import { WhittleError } from '../../../shared/errors.ts';
import { nodeSucceeded } from '../../../shared/api/run.ts';
import { AttributeType } from '../../onnx/proto.ts';
import type { Model, Node } from '../../onnx/model.ts';
import { attr, GraphIndex } from '../../onnx/graph.ts';
import { loadModelFile } from '../../onnx/file.ts';
import { inferShapes } from '../../onnx/shapes.ts';
import { modelFileStats } from '../../onnx/stats.ts';
import { constantStats, quantParamsOf } from '../../onnx/tensor-summary.ts';
import type { ApiContext } from '../context.ts';
import type { CallImpl } from '../types.ts';

/** The view draws at most this many nodes; bigger graphs are cut (and say so). */
export const MAX_GRAPH_NODES = 3000;
const CACHE_ENTRIES = 32;
const inspections = new Map<string, ModelInspection>();
const graphs = new Map<string, ModelGraph>();

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  cache.set(key, value);
  if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  return value;
}

export async function modelOfRun(req: { runId: string; nodeId: string; port?: string }, ctx: ApiContext): Promise<ModelValue> {
  const run = await ctx.history.get(req.runId);
  const node = run.nodes[req.nodeId];
  if (!node) throw new WhittleError('models.no-node', `The run has no node '${req.nodeId}'.`, 'Pick a node of this run.');
  const models = Object.entries(node.outputs).filter((e): e is [string, ModelValue] => e[1].type === 'model');
  const found = req.port ? models.find(([name]) => name === req.port) : models[0];
  if (!found) {
    const why = nodeSucceeded(node.status) ? 'produced no model' : `did not finish (${node.status})`;
    throw new WhittleError('models.no-model', `The node '${req.nodeId}' ${why}${req.port ? ` on port '${req.port}'` : ''}.`, 'Select a node that outputs a model.');
  }
  return found[1];
}

export function inspectModelFile(value: ModelValue): ModelInspection {
  const s = modelFileStats(value.path);
  return {
    label: value.label,
    sizeBytes: s.sizeBytes ?? value.sizeBytes,
    gzipSizeBytes: s.gzipSizeBytes ?? 0,
    opset: s.opset ?? 0, irVersion: s.irVersion, producer: s.producer, nodeCount: s.nodeCount,
    parameters: s.params, nonZeroParameters: s.nonZeroParams, sparsity: s.sparsity,
    macs: s.macs, macsUnknownLayers: s.macsUnknownLayers,
    inputs: s.inputs.map((t) => ({ name: t.name, type: t.elemType, shape: t.dims ?? [] })),
    outputs: s.outputs.map((t) => ({ name: t.name, type: t.elemType, shape: t.dims ?? [] })),
    ops: s.opsHistogram,
    layers: s.layers.map((l) => ({
      name: l.name, opType: l.opType, parameters: l.params, nonZeroParameters: l.nonZeroParams, sparsity: l.sparsity,
      macs: l.macs, weightShape: l.weightDims, outputShape: l.outputShape,
    })),
  };
}

function short(v: number): number {
  return Number.isInteger(v) ? v : Number(v.toPrecision(4));
}

function attributeText(node: Node): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of node.attribute) {
    const name = a.name ?? '';
    const v = attr(node, name, undefined);
    if (typeof v === 'number') out[name] = String(short(v));
    else if (typeof v === 'string') out[name] = v;
    else if (Array.isArray(v)) out[name] = `[${v.slice(0, 8).map((x) => (typeof x === 'number' ? short(x) : x)).join(', ')}${v.length > 8 ? ', …' : ''}]`;
    else if (a.type === AttributeType.TENSOR) out[name] = `tensor [${(a.t?.dims ?? []).map(Number).join(', ')}]`;
    else if (a.type === AttributeType.GRAPH) out[name] = 'subgraph';
    else out[name] = '…';
  }
  return out;
}

/** A constant input as the properties panel shows it: shape, value statistics, and the quantizer of a QDQ weight. */
function weightOf(index: GraphIndex, name: string, foldedShape: number[] | undefined): GraphNode['weights'][number] {
  const stats = constantStats(index, name);
  const producer = index.producer.get(name);
  const quant = producer ? quantParamsOf(index, producer) : undefined;
  return {
    name, shape: foldedShape ?? index.initializers.get(name)!.dims.map(Number),
    ...(stats ? { stats } : {}), ...(quant ? { quant } : {}),
  };
}

/** Nodes (graph inputs, operators, graph outputs) and the edges of activations between them. */
export function modelGraph(model: Model, label: string): ModelGraph {
  const g = model.graph;
  const index = new GraphIndex(g);
  let shapes = new Map<string, (number | string)[]>();
  try {
    shapes = inferShapes(model).shapes as Map<string, (number | string)[]>;
  } catch {
    // Shapes are decoration here: a graph the inference cannot walk is still drawn.
  }
  const ops = g.node.slice(0, MAX_GRAPH_NODES);
  // Constant subgraphs are drawn as Netron does: a node fed only by initializers and
  // constants (Constant, Identity of a weight, Cast of a constant...) folds into its
  // consumers like an initializer. (Nodes are in topological order in valid ONNX.)
  const constants = new Map<string, number[]>();
  const isConstant = (name: string) => index.isInitializer(name) || constants.has(name);
  const folded = new Set<Node>();
  for (const n of ops) {
    if (n.input.filter(Boolean).every(isConstant) && n.output.length > 0) {
      folded.add(n);
      for (const o of n.output) {
        const t = n.opType === 'Constant' ? n.attribute.find((a) => a.name === 'value')?.t : undefined;
        const known = shapes.get(o);
        constants.set(o, t ? (t.dims ?? []).map(Number) : (known ?? []).filter((d): d is number => typeof d === 'number'));
      }
    }
  }
  const nodes: GraphNode[] = [];
  const producerId = new Map<string, string>();
  for (const v of index.realInputs()) {
    nodes.push({ id: `in:${v.name}`, opType: 'Input', name: v.name, attributes: {}, weights: [] });
    producerId.set(v.name, `in:${v.name}`);
  }
  ops.forEach((n, i) => {
    if (folded.has(n)) return;
    const id = `n${i}`;
    const weights = n.input.filter(isConstant).map((name) => weightOf(index, name, constants.get(name)));
    const quant = quantParamsOf(index, n);
    nodes.push({ id, opType: n.opType, name: n.name || n.output[0] || id, attributes: attributeText(n), weights, ...(quant ? { quant } : {}) });
    for (const o of n.output) if (o) producerId.set(o, id);
  });
  const edges: GraphEdge[] = [];
  const edge = (value: string, to: string): void => {
    const from = producerId.get(value);
    if (from) edges.push({ from, to, value, shape: shapes.get(value) ?? null });
  };
  ops.forEach((n, i) => n.input.forEach((value) => { if (value) edge(value, `n${i}`); }));
  for (const v of g.output) {
    nodes.push({ id: `out:${v.name}`, opType: 'Output', name: v.name, attributes: {}, weights: [] });
    edge(v.name, `out:${v.name}`);
  }
  return { label, nodes, edges, truncated: g.node.length > MAX_GRAPH_NODES };
}

export const modelsInspect: CallImpl<'models.inspect'> = async (req, ctx) => {
  const value = await modelOfRun(req, ctx);
  const key = `${value.sha256}:${value.label}`;
  return inspections.get(key) ?? remember(inspections, key, inspectModelFile(value));
};

export const modelsGraph: CallImpl<'models.graph'> = async (req, ctx) => {
  const value = await modelOfRun(req, ctx);
  const key = `${value.sha256}:${value.label}`;
  return graphs.get(key) ?? remember(graphs, key, modelGraph(loadModelFile(value.path), value.label));
};
