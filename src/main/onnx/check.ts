// The graph invariants Whittle's passes rely on, checked with messages a user can act on:
// every input defined before use (topological order), no value produced twice, unique
// initializers, graph outputs produced.
import { WhittleError } from '../../shared/errors.ts';
import type { Model } from './model.ts';

export interface GraphProblem {
  code: 'undefined-input' | 'not-topological' | 'duplicate-output' | 'duplicate-initializer' | 'missing-output' | 'empty-output';
  message: string;
  /** Name of the node concerned, when there is one. */
  node?: string;
}

function label(node: { name?: string | null; opType?: string | null; output?: string[] | null }): string {
  return `${node.opType} '${node.name || node.output?.[0] || '?'}'`;
}

/** All problems of the main graph (subgraphs of If/Loop may read outer values and are not checked). */
export function checkModel(model: Model): GraphProblem[] {
  const graph = model.graph;
  const problems: GraphProblem[] = [];
  const defined = new Set<string>();
  const producedLater = new Set<string>();
  for (const n of graph.node) for (const o of n.output) if (o) producedLater.add(o);
  const initializers = new Set<string>();
  for (const t of graph.initializer) {
    if (initializers.has(t.name)) problems.push({ code: 'duplicate-initializer', message: `Initializer '${t.name}' is defined twice.` });
    initializers.add(t.name);
    defined.add(t.name);
  }
  for (const sp of graph.sparseInitializer ?? []) defined.add(sp.values?.name ?? '');
  for (const v of graph.input) defined.add(v.name);
  const producer = new Map<string, string>();
  for (const node of graph.node) {
    for (const input of node.input) {
      if (!input || defined.has(input)) continue;
      problems.push(producedLater.has(input)
        ? { code: 'not-topological', message: `${label(node)} reads '${input}' before the node that produces it: the nodes are not in topological order.`, node: node.name }
        : { code: 'undefined-input', message: `${label(node)} reads '${input}', which no node, input or initializer defines.`, node: node.name });
    }
    for (const output of node.output) {
      if (!output) continue;
      const first = producer.get(output);
      if (first !== undefined || initializers.has(output) || graph.input.some((v) => v.name === output)) {
        problems.push({ code: 'duplicate-output', message: `${label(node)} produces '${output}', which ${first !== undefined ? `${first} already produces` : 'is already a graph input or initializer'}.`, node: node.name });
      } else {
        producer.set(output, label(node));
      }
      defined.add(output);
    }
  }
  for (const o of graph.output) {
    if (!o.name) problems.push({ code: 'empty-output', message: 'A graph output has no name.' });
    else if (!defined.has(o.name)) problems.push({ code: 'missing-output', message: `Graph output '${o.name}' is not produced by any node, input or initializer.` });
  }
  return problems;
}

/** Throw one WhittleError naming the first problems, when there are any. */
export function assertValidModel(model: Model, what = 'The model'): void {
  const problems = checkModel(model);
  if (problems.length === 0) return;
  const shown = problems.slice(0, 3).map((p) => p.message).join(' ');
  const more = problems.length > 3 ? ` (${problems.length - 3} more problems)` : '';
  throw new WhittleError('onnx.invalid-graph', `${what} is not a valid graph: ${shown}${more}`, 'If a pass produced this model, it is a bug in that pass; otherwise re-export the model.');
}
