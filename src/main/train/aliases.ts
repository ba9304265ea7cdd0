// Tensors reached through pure aliases. PyTorch's exporter stores identical tensors once and
// feeds the copies through Identity nodes (a fresh BatchNorm's weight and running_var are both
// ones): such a parameter is still a parameter, and a shared one stays shared (one tensor, its
// gradients summed). Running statistics are the exception: every BatchNormalization writes its
// own, so each gets its own initializer before training.
import { cloneModel, type Model, type Node } from '../onnx/model.ts';
import { GraphIndex } from '../onnx/graph.ts';
import { makeTensor, tensorToFloat32 } from '../onnx/tensor.ts';
import { WhittleError } from '../../shared/errors.ts';

/** Ops whose output is their first input unchanged. */
const ALIAS_OPS = new Set(['Identity']);

function isAlias(node: Node | undefined): node is Node {
  return !!node && ALIAS_OPS.has(node.opType) && (node.domain ?? '') === '';
}

/** The initializer a value aliases (itself when it is one), or undefined when it is computed. */
export function aliasedInitializer(index: GraphIndex, value: string): string | undefined {
  let name = value;
  for (let hops = 0; hops < 64; hops++) {
    if (index.initializers.has(name)) return name;
    const producer = index.producer.get(name);
    if (!isAlias(producer)) return undefined;
    name = producer.input[0];
  }
  return undefined;
}

/** Consumers of a value, looking through alias nodes (an Identity's consumers count as the value's). */
export function consumersThroughAliases(index: GraphIndex, value: string): Node[] {
  const out: Node[] = [];
  const queue = [value];
  const seen = new Set<string>();
  while (queue.length) {
    const v = queue.pop()!;
    if (seen.has(v)) continue;
    seen.add(v);
    for (const c of index.consumersOf(v)) {
      if (isAlias(c)) queue.push(c.output[0]);
      else out.push(c);
    }
  }
  return out;
}

/**
 * A copy of `source` where every BatchNormalization reads its running mean and variance from an
 * initializer of its own (a copy when they came through an alias or were shared). Returns the
 * source itself when nothing needs separating.
 */
export function separateRunningStats(source: Model): Model {
  const index = new GraphIndex(source.graph);
  const separate = (node: Node, slot: number) => {
    const value = node.input[slot];
    if (!value) return false;
    return !index.initializers.has(value) || index.consumersOf(value).length > 1 || index.outputs.has(value);
  };
  const bns = source.graph.node.filter((n) => n.opType === 'BatchNormalization');
  if (!bns.some((n) => separate(n, 3) || separate(n, 4))) return source;
  const model = cloneModel(source);
  const cloneIndex = new GraphIndex(model.graph);
  const taken = new Set([...cloneIndex.initializers.keys(), ...cloneIndex.producer.keys(), ...cloneIndex.inputs]);
  for (const node of model.graph.node) {
    if (node.opType !== 'BatchNormalization') continue;
    [3, 4].forEach((slot) => {
      if (!separate(node, slot)) return;
      const value = node.input[slot];
      const origin = aliasedInitializer(cloneIndex, value);
      if (!origin) {
        throw new WhittleError('train.computed-statistics', `BatchNormalization '${node.name || node.output[0]}' reads its running ${slot === 3 ? 'mean' : 'variance'} from '${value}', which the graph computes.`, 'Export the model with its running statistics as initializers, or train with BatchNorm frozen.');
      }
      const base = `${node.name || node.output[0]}.${slot === 3 ? 'running_mean' : 'running_var'}`;
      let name = base;
      for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
      taken.add(name);
      const copy = cloneIndex.initializers.get(origin)!;
      model.graph.initializer.push(makeTensor(name, copy.dims.map(Number), tensorToFloat32(copy)));
      node.input[slot] = name;
    });
  }
  return dropDeadAliases(model);
}

/** Remove alias nodes nothing reads any more (what separating the statistics left behind). */
function dropDeadAliases(model: Model): Model {
  for (;;) {
    const index = new GraphIndex(model.graph);
    const dead = model.graph.node.filter((n) => isAlias(n) && index.consumersOf(n.output[0]).length === 0 && !index.outputs.has(n.output[0]));
    if (dead.length === 0) return model;
    model.graph.node = model.graph.node.filter((n) => !dead.includes(n));
  }
}
