// Graph editing on the decoded ModelProto: values by name, producers and consumers,
// topological order, attribute access and node/value constructors.
import { onnx, AttributeType } from './proto.ts';
import { WhittleError } from '../../shared/errors.ts';
import type { Graph, Node, Tensor } from './model.ts';
import { densifySparse, sparseName } from './sparse.ts';

export type AttrValue = number | string | number[] | string[] | onnx.ITensorProto | onnx.IGraphProto;

/** Read an attribute as a plain JS value, or `fallback` when absent. */
export function attr<T extends AttrValue | undefined>(node: onnx.INodeProto, name: string, fallback: T): T | AttrValue {
  const a = node.attribute?.find((x) => x.name === name);
  if (!a) return fallback;
  switch (a.type) {
    case AttributeType.FLOAT: return a.f ?? 0;
    case AttributeType.INT: return Number(a.i ?? 0);
    case AttributeType.STRING: return new TextDecoder().decode(a.s ?? new Uint8Array());
    case AttributeType.FLOATS: return [...(a.floats ?? [])];
    case AttributeType.INTS: return (a.ints ?? []).map(Number);
    case AttributeType.STRINGS: return (a.strings ?? []).map((s) => new TextDecoder().decode(s));
    case AttributeType.TENSOR: return a.t ?? fallback;
    case AttributeType.GRAPH: return a.g ?? fallback;
    default: return fallback;
  }
}

export function attrInt(node: onnx.INodeProto, name: string, fallback: number): number {
  return attr(node, name, fallback) as number;
}
export function attrFloat(node: onnx.INodeProto, name: string, fallback: number): number {
  return attr(node, name, fallback) as number;
}
export function attrInts(node: onnx.INodeProto, name: string, fallback: number[]): number[] {
  return attr(node, name, fallback) as number[];
}
export function attrString(node: onnx.INodeProto, name: string, fallback: string): string {
  return attr(node, name, fallback) as string;
}

/** Build an AttributeProto from a JS value; integers vs floats are told apart by `kind`. */
export function makeAttr(name: string, value: AttrValue, kind?: 'int' | 'float' | 'ints' | 'floats'): onnx.AttributeProto {
  if (typeof value === 'string') return onnx.AttributeProto.create({ name, type: AttributeType.STRING, s: new TextEncoder().encode(value) });
  if (typeof value === 'number') {
    const isFloat = kind === 'float' || (kind === undefined && !Number.isInteger(value));
    return isFloat
      ? onnx.AttributeProto.create({ name, type: AttributeType.FLOAT, f: value })
      : onnx.AttributeProto.create({ name, type: AttributeType.INT, i: value });
  }
  if (Array.isArray(value)) {
    if (value.length > 0 && typeof value[0] === 'string') {
      return onnx.AttributeProto.create({ name, type: AttributeType.STRINGS, strings: (value as string[]).map((s) => new TextEncoder().encode(s)) });
    }
    const nums = value as number[];
    const isFloat = kind === 'floats' || (kind === undefined && nums.some((v) => !Number.isInteger(v)));
    return isFloat
      ? onnx.AttributeProto.create({ name, type: AttributeType.FLOATS, floats: nums })
      : onnx.AttributeProto.create({ name, type: AttributeType.INTS, ints: nums });
  }
  if ('node' in value) return onnx.AttributeProto.create({ name, type: AttributeType.GRAPH, g: value as onnx.IGraphProto });
  return onnx.AttributeProto.create({ name, type: AttributeType.TENSOR, t: value as onnx.ITensorProto });
}

export function setAttr(node: Node, name: string, value: AttrValue, kind?: 'int' | 'float' | 'ints' | 'floats'): void {
  const next = makeAttr(name, value, kind);
  const i = node.attribute.findIndex((a) => a.name === name);
  if (i >= 0) node.attribute[i] = next;
  else node.attribute.push(next);
}

export interface NodeSpec {
  name?: string;
  domain?: string;
  attrs?: Record<string, AttrValue | undefined>;
}

export function makeNode(opType: string, inputs: string[], outputs: string[], spec: NodeSpec = {}): Node {
  const attribute = Object.entries(spec.attrs ?? {})
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => makeAttr(k, v as AttrValue));
  return onnx.NodeProto.create({ opType, input: inputs, output: outputs, name: spec.name ?? outputs[0] ?? opType, domain: spec.domain ?? '', attribute });
}

/** A tensor ValueInfo; `dims` entries may be numbers or symbolic names (e.g. 'N'). */
export function makeValueInfo(name: string, elemType: number, dims: (number | string)[] | undefined): onnx.ValueInfoProto {
  const shape = dims === undefined ? undefined : onnx.TensorShapeProto.create({
    dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })),
  });
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType, shape } } });
}

/** Dims of a ValueInfo; symbolic or missing dims come back as their name or -1. */
export function valueInfoDims(v: onnx.IValueInfoProto): (number | string)[] | undefined {
  const shape = v.type?.tensorType?.shape;
  if (!shape) return undefined;
  return (shape.dim ?? []).map((d) => (d.dimValue !== undefined && d.dimValue !== null ? Number(d.dimValue) : d.dimParam || -1));
}

export function valueInfoElemType(v: onnx.IValueInfoProto): number {
  return v.type?.tensorType?.elemType ?? 0;
}

/** Producers, consumers and initializers of a graph, by value name. Rebuild after edits. */
export class GraphIndex {
  readonly producer = new Map<string, Node>();
  readonly consumers = new Map<string, Node[]>();
  readonly initializers = new Map<string, Tensor>();
  readonly inputs = new Set<string>();
  readonly outputs = new Set<string>();

  constructor(readonly graph: Graph) {
    for (const t of graph.initializer) this.initializers.set(t.name, t);
    // Sparse initializers are constants like any other: analysis sees them dense.
    for (const s of graph.sparseInitializer ?? []) this.initializers.set(sparseName(s), densifySparse(s));
    for (const v of graph.input) this.inputs.add(v.name);
    for (const v of graph.output) this.outputs.add(v.name);
    for (const node of graph.node) {
      for (const out of node.output) if (out) this.producer.set(out, node);
      for (const inp of node.input) {
        if (!inp) continue;
        const list = this.consumers.get(inp);
        if (list) list.push(node);
        else this.consumers.set(inp, [node]);
      }
    }
  }

  consumersOf(value: string): Node[] {
    return this.consumers.get(value) ?? [];
  }

  /** The one consumer of `value`, or undefined when it has none, several, or is a graph output. */
  soleConsumer(value: string): Node | undefined {
    const list = this.consumersOf(value);
    return list.length === 1 && !this.outputs.has(value) ? list[0] : undefined;
  }

  isInitializer(value: string): boolean {
    return this.initializers.has(value);
  }

  /** Graph inputs that are not also initializers (what a user must feed). */
  realInputs(): onnx.ValueInfoProto[] {
    return this.graph.input.filter((v) => !this.initializers.has(v.name));
  }
}

/** Nodes in an order where every producer precedes its consumers; throws on a cycle. */
export function topologicalOrder(graph: Graph): Node[] {
  const available = new Set<string>(['']);
  for (const t of graph.initializer) available.add(t.name);
  for (const s of graph.sparseInitializer ?? []) available.add(sparseName(s));
  for (const v of graph.input) available.add(v.name);
  const pending = new Map<Node, number>();
  const waiting = new Map<string, Node[]>();
  const ready: Node[] = [];
  for (const node of graph.node) {
    const missing = new Set(node.input.filter((i) => !available.has(i)));
    pending.set(node, missing.size);
    if (missing.size === 0) ready.push(node);
    for (const m of missing) {
      const list = waiting.get(m);
      if (list) list.push(node);
      else waiting.set(m, [node]);
    }
  }
  const order: Node[] = [];
  while (ready.length > 0) {
    const node = ready.shift()!;
    order.push(node);
    for (const out of node.output) {
      if (available.has(out)) continue;
      available.add(out);
      for (const next of waiting.get(out) ?? []) {
        const left = pending.get(next)! - 1;
        pending.set(next, left);
        if (left === 0) ready.push(next);
      }
    }
  }
  if (order.length !== graph.node.length) {
    const stuck = graph.node.filter((n) => !order.includes(n)).slice(0, 3).map((n) => `${n.opType} '${n.name}'`);
    throw new WhittleError('onnx.graph-cycle', `The graph has a cycle or an undefined input (at ${stuck.join(', ')}).`, 'The model is malformed; re-export it.');
  }
  return order;
}

/** A value name not yet used in the graph, derived from `base`. */
export function uniqueName(graph: Graph, base: string): string {
  const used = new Set<string>();
  for (const t of graph.initializer) used.add(t.name);
  for (const t of graph.sparseInitializer ?? []) used.add(sparseName(t));
  for (const v of graph.input) used.add(v.name);
  for (const n of graph.node) {
    for (const o of n.output) used.add(o);
    used.add(n.name);
  }
  if (!used.has(base)) return base;
  for (let i = 1; ; i++) if (!used.has(`${base}_${i}`)) return `${base}_${i}`;
}

/** Replace every use of value `from` by `to` in node inputs and graph outputs. */
export function renameUses(graph: Graph, from: string, to: string): void {
  for (const n of graph.node) n.input = n.input.map((i) => (i === from ? to : i));
  for (const o of graph.output) if (o.name === from) o.name = to;
}

export function removeInitializer(graph: Graph, name: string): void {
  graph.initializer = graph.initializer.filter((t) => t.name !== name);
  graph.input = graph.input.filter((v) => v.name !== name);
}

export function setInitializer(graph: Graph, tensor: Tensor): void {
  const i = graph.initializer.findIndex((t) => t.name === tensor.name);
  if (i >= 0) graph.initializer[i] = tensor;
  else graph.initializer.push(tensor);
}
