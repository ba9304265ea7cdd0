// Validation of a pipeline document against the catalog: every problem at once, each
// with its node id (unknown or newer kind, bad param, path outside the document folder,
// duplicate id, edge to an unknown node or port, port type mismatch, missing input, cycle).
// Raw data is checked against the schema first by validateUnknown (validate-unknown.ts).
import type { NodeKindSpec } from '../catalog/types.ts';
import { findCycles } from '../graph/order.ts';
import type { PipelineDocument, Problem } from './document.ts';
import { checkParamValue, isParamVisible, paramsWithDefaults } from './params.ts';
import { isAbsolutePath, isInside, normalizePath } from './paths.ts';
import { closestName } from './suggest.ts';
import { checkSweep, DEFAULT_SWEEP_SETTINGS, overBudget } from './sweep-values.ts';
import { documentSweepCounts, hasSweeps } from './sweep-counts.ts';

export interface ValidateOptions {
  /** Absolute folder of the document; null/undefined for a document never saved. */
  documentDir?: string | null;
  /** Absolute files or folders the user chose explicitly in this session (allowed outside the folder). */
  allowedPaths?: readonly string[];
}

export function validateDocument(doc: PipelineDocument, catalog: readonly NodeKindSpec[], options: ValidateOptions = {}): Problem[] {
  const kinds = new Map(catalog.map((k) => [k.kind, k]));
  const problems: Problem[] = [];
  const byId = new Map<string, PipelineDocument['nodes'][number]>();
  for (const node of doc.nodes) {
    if (byId.has(node.id)) {
      problems.push({ code: 'pipeline.duplicate-id', message: `Two nodes have the id "${node.id}".`, hint: 'Give every node its own id.', nodeId: node.id });
    } else {
      byId.set(node.id, node);
    }
  }
  for (const p of decorationIdProblems(doc)) problems.push(p);
  // Appends one by one: `push(...list)` overflows the stack on very large documents.
  for (const node of doc.nodes) for (const p of nodeProblems(node, kinds.get(node.kind), options, kinds.keys())) problems.push(p);
  for (const p of edgeProblems(doc, byId, kinds)) problems.push(p);
  const sweeps = hasSweeps(doc) ? documentSweepCounts(doc, kinds) : null;
  if (sweeps && sweeps.variants === null) problems.push({ code: 'pipeline.sweep-too-many', ...overBudget(sweeps.combinations, (doc.sweep ?? DEFAULT_SWEEP_SETTINGS).maxVariants) });
  for (const cycle of findCycles(Array.from(byId.keys()), doc.edges.map((e) => ({ from: e.from[0], to: e.to[0] })))) {
    const loop = cycleLabel(cycle);
    for (const id of cycle) {
      problems.push({ code: 'pipeline.cycle', message: `Node "${id}" is part of a cycle: ${loop}.`, hint: 'Remove one of the edges of the cycle; a pipeline must flow one way.', nodeId: id });
    }
  }
  return problems;
}

/** "Did you mean "minSize"? Known parameters: ...". */
function unknownParamHint(name: string, spec: NodeKindSpec): string {
  const near = closestName(name, Object.keys(spec.params));
  return `${near ? `Did you mean "${near}"? ` : ''}Known parameters: ${Object.keys(spec.params).join(', ') || 'none'}.`;
}

/** "a -> b -> a"; a long cycle names its first nodes and its length, so messages stay short. */
function cycleLabel(cycle: readonly string[]): string {
  const SHOWN = 6;
  if (cycle.length <= SHOWN) return [...cycle, cycle[0]].join(' -> ');
  return `${cycle.slice(0, SHOWN).join(' -> ')} -> … (${cycle.length} nodes in all)`;
}

function nodeProblems(node: PipelineDocument['nodes'][number], spec: NodeKindSpec | undefined, options: ValidateOptions, knownKinds: Iterable<string>): Problem[] {
  const nodeId = node.id;
  if (!spec) {
    const near = closestName(node.kind, knownKinds);
    const hint = near ? `Did you mean "${near}"? (\`whittle nodes\` lists every kind.)` : 'It may come from a newer Whittle: update Whittle, or replace the node with one from the palette.';
    return [{ code: 'pipeline.unknown-kind', message: `Node "${nodeId}" has the unknown kind "${node.kind}".`, hint, nodeId }];
  }
  if (node.kindVersion !== undefined && node.kindVersion > spec.version) {
    return [{
      code: 'pipeline.kind-newer',
      message: `Node "${nodeId}" was made with version ${node.kindVersion} of "${node.kind}"; this Whittle knows version ${spec.version}.`,
      hint: 'Update Whittle to run this pipeline.', nodeId,
    }];
  }
  const problems: Problem[] = [];
  const effective = paramsWithDefaults(spec, node.params);
  for (const name of Object.keys(node.params)) {
    if (!spec.params[name]) {
      problems.push({ code: 'pipeline.unknown-param', message: `Node "${nodeId}" (${spec.title}) has no parameter "${name}".`, hint: unknownParamHint(name, spec), nodeId, param: name });
    }
  }
  for (const p of sweepProblems(node, spec)) problems.push(p);
  for (const [name, p] of Object.entries(spec.params)) {
    if (!isParamVisible(spec, name, effective)) continue;
    const value = effective[name];
    const why = checkParamValue(p, value);
    if (why) {
      problems.push({ code: 'pipeline.bad-param', message: `Node "${nodeId}": ${p.label} ${why} (got ${JSON.stringify(value)}).`, hint: p.help, nodeId, param: name });
      continue;
    }
    if (p.type === 'path' && typeof value === 'string' && isAbsolutePath(value) && !pathAllowed(value, options)) {
      problems.push({
        code: 'pipeline.path-outside',
        message: `Node "${nodeId}": ${p.label} points outside the document's folder (${value}).`,
        hint: 'Store the file next to the pipeline and use a relative path, or choose it with the file picker (or pass --allow-path on the command line).',
        nodeId, param: name,
      });
    }
  }
  return problems;
}

/** A sweep stands in for a param's value: each of its values must suit the param. */
function sweepProblems(node: PipelineDocument['nodes'][number], spec: NodeKindSpec): Problem[] {
  const problems: Problem[] = [];
  const nodeId = node.id;
  for (const [name, sweep] of Object.entries(node.sweeps ?? {})) {
    const p = spec.params[name];
    if (!p) {
      problems.push({ code: 'pipeline.unknown-param', message: `Node "${nodeId}" (${spec.title}) sweeps "${name}", which is not one of its parameters.`, hint: unknownParamHint(name, spec), nodeId, param: name });
      continue;
    }
    const why = checkSweep(p, sweep);
    if (why) problems.push({ code: 'pipeline.bad-sweep', message: `Node "${nodeId}": ${p.label} ${why}.`, hint: p.help, nodeId, param: name });
  }
  return problems;
}

/** Groups and notes share the canvas with the nodes, so their ids must differ from every other id. */
function decorationIdProblems(doc: PipelineDocument): Problem[] {
  const seen = new Set(doc.nodes.map((n) => n.id));
  const problems: Problem[] = [];
  const items = [...(doc.groups ?? []).map((g) => ({ id: g.id, what: 'group' })), ...(doc.notes ?? []).map((n) => ({ id: n.id, what: 'note' }))];
  for (const { id, what } of items) {
    if (seen.has(id)) problems.push({ code: 'pipeline.duplicate-id', message: `The ${what} id "${id}" is already used by a node, group or note.`, hint: 'Give every node, group and note its own id.' });
    seen.add(id);
  }
  return problems;
}

function pathAllowed(value: string, options: ValidateOptions): boolean {
  if (options.documentDir && isInside(options.documentDir, value)) return true;
  // An allowed path is a file or a folder (the CLI's --allow-path takes both).
  const wanted = normalizePath(value);
  return (options.allowedPaths ?? []).some((p) => isInside(normalizePath(p), wanted));
}

/** "a.model -> b.model", built only for a problem: most edges have none. */
function edgeLabel(edge: PipelineDocument['edges'][number]): string {
  return `${edge.from[0]}.${edge.from[1]} -> ${edge.to[0]}.${edge.to[1]}`;
}

function portNamed<P extends { name: string }>(ports: readonly P[], name: string): P | undefined {
  for (const p of ports) if (p.name === name) return p;
  return undefined;
}

/** Count one more edge into `port` of `nodeId`; returns the new count. */
function countFed(fed: Map<string, Map<string, number>>, nodeId: string, port: string): number {
  let ports = fed.get(nodeId);
  if (!ports) fed.set(nodeId, (ports = new Map()));
  const count = (ports.get(port) ?? 0) + 1;
  ports.set(port, count);
  return count;
}

function edgeProblems(doc: PipelineDocument, byId: Map<string, PipelineDocument['nodes'][number]>, kinds: Map<string, NodeKindSpec>): Problem[] {
  const problems: Problem[] = [];
  // Edges into each input (node id -> port -> count); the missing-input check below is then
  // one lookup per input, not a scan of the edges.
  const fed = new Map<string, Map<string, number>>();
  const connected = new Map<string, Map<string, number>>();
  for (const e of doc.edges) countFed(connected, e.to[0], e.to[1]);
  // A plain loop with no closures per edge: under tsx every closure created costs a name helper call.
  for (let edgeIndex = 0; edgeIndex < doc.edges.length; edgeIndex++) {
    const edge = doc.edges[edgeIndex];
    const fromId = edge.from[0];
    const fromPort = edge.from[1];
    const toId = edge.to[0];
    const toPort = edge.to[1];
    const fromNode = byId.get(fromId);
    const toNode = byId.get(toId);
    if (!fromNode || !toNode) {
      const missing = !fromNode ? fromId : toId;
      problems.push({ code: 'pipeline.edge-unknown-node', message: `The edge ${edgeLabel(edge)} refers to the missing node "${missing}".`, hint: 'Delete the edge.', nodeId: fromNode ? toId : fromId, edgeIndex });
      continue;
    }
    const fromSpec = kinds.get(fromNode.kind);
    const toSpec = kinds.get(toNode.kind);
    if (!fromSpec || !toSpec) continue; // the unknown kind is already reported on its node
    const out = portNamed(fromSpec.outputs, fromPort);
    const inp = portNamed(toSpec.inputs, toPort);
    if (!out) {
      problems.push({ code: 'pipeline.edge-unknown-port', message: `The edge ${edgeLabel(edge)} starts at "${fromPort}", which is not an output of "${fromId}" (${fromSpec.title}).`, hint: `Outputs: ${fromSpec.outputs.map((p) => p.name).join(', ') || 'none'}.`, nodeId: fromId, edgeIndex });
    }
    if (!inp) {
      problems.push({ code: 'pipeline.edge-unknown-port', message: `The edge ${edgeLabel(edge)} ends at "${toPort}", which is not an input of "${toId}" (${toSpec.title}).`, hint: `Inputs: ${toSpec.inputs.map((p) => p.name).join(', ') || 'none'}.`, nodeId: toId, edgeIndex });
    }
    if (!out || !inp) continue;
    if (out.type !== inp.type) {
      problems.push({ code: 'pipeline.port-type-mismatch', message: `The edge ${edgeLabel(edge)} connects a ${out.type} output to a ${inp.type} input.`, hint: `Connect "${toPort}" of "${toId}" to a ${inp.type} output.`, nodeId: toId, edgeIndex });
      continue;
    }
    if (countFed(fed, toId, toPort) === 2) {
      problems.push({ code: 'pipeline.input-multiple', message: `Input "${toPort}" of "${toId}" has more than one incoming edge.`, hint: 'An input takes one edge; delete the extra ones.', nodeId: toId, edgeIndex });
    }
  }
  for (const node of byId.values()) {
    const spec = kinds.get(node.kind);
    if (!spec || (node.kindVersion ?? 0) > spec.version) continue;
    for (const input of spec.inputs) {
      const because = input.optional ? requiringSetting(spec, node.params, input) : '';
      if (input.optional && !because) continue;
      if (!connected.get(node.id)?.has(input.name)) {
        problems.push({ code: 'pipeline.missing-input', message: `Node "${node.id}" (${spec.title}) needs its "${input.label}" input connected${because}.`, hint: `Connect a ${input.type} output to "${input.name}".`, nodeId: node.id });
      }
    }
  }
  return problems;
}

/** ' when <Param> is <value>' when a param setting makes this optional input required, else ''. */
function requiringSetting(spec: NodeKindSpec, params: PipelineDocument['nodes'][number]['params'], input: NodeKindSpec['inputs'][number]): string {
  const when = input.requiredWhen;
  const param = when ? spec.params[when.param] : undefined;
  if (!when || !param) return '';
  const value = params[when.param] ?? param.default;
  if (!when.equals.some((e) => e === value)) return '';
  const shown = param.type === 'enum' ? param.options.find((o) => o.value === value)?.label ?? String(value) : String(value);
  return ` when ${param.label} is ${shown}`;
}
