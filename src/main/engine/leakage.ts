// Data leakage between training and evaluation (DESIGN.md §9): an evaluating node whose
// model was trained upstream on the same samples it is scored on gets a warning, since
// its figures then overstate how the model does on data it never saw.
import type { DatasetValue, PortValue } from '../../shared/catalog/types.ts';
import type { PlannedNode } from './protocol.ts';

/** Options that pick samples out of a pool: two draws from one pool may share samples. */
const DRAW_OPTIONS = new Set(['limit', 'shuffle', 'seed']);

function poolOf(d: DatasetValue): Record<string, unknown> {
  // A synthetic set's seed generates its samples: a different seed is a different pool.
  if (d.source === 'synthetic') return d.options;
  return Object.fromEntries(Object.entries(d.options).filter(([k]) => !DRAW_OPTIONS.has(k)));
}

/** True when the two datasets can hold the same samples. */
export function datasetsOverlap(a: DatasetValue, b: DatasetValue): boolean {
  if (a.source !== b.source) return false;
  const pa = poolOf(a);
  const pb = poolOf(b);
  // MNIST's "all" holds both splits.
  if (a.source === 'mnist' && (pa.split === 'all' || pb.split === 'all')) return true;
  return JSON.stringify(pa, Object.keys(pa).sort()) === JSON.stringify(pb, Object.keys(pb).sort());
}

export interface LeakageGraph {
  nodes: ReadonlyMap<string, PlannedNode>;
  values: ReadonlyMap<string, Record<string, PortValue>>;
}

function inputValue(node: PlannedNode, port: string, g: LeakageGraph): PortValue | undefined {
  const link = node.inputs[port];
  return link ? g.values.get(link[0])?.[link[1]] : undefined;
}

/** Upstream nodes of `node`, nearest first. */
function ancestors(node: PlannedNode, g: LeakageGraph): PlannedNode[] {
  const seen = new Set<string>();
  const out: PlannedNode[] = [];
  const queue = Object.values(node.inputs).map(([from]) => from);
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const up = g.nodes.get(id);
    if (!up) continue;
    out.push(up);
    queue.push(...Object.values(up.inputs).map(([from]) => from));
  }
  return out;
}

/** One warning per training node upstream whose training data overlaps this node's evaluation data. */
export function leakageWarnings(node: PlannedNode, g: LeakageGraph): string[] {
  const evalPorts = node.evaluationData ?? [];
  if (evalPorts.length === 0) return [];
  const warnings: string[] = [];
  const trainers = ancestors(node, g).filter((a) => (a.trainingData ?? []).length > 0);
  for (const port of evalPorts) {
    const scored = inputValue(node, port, g);
    if (scored?.type !== 'dataset') continue;
    for (const trainer of trainers) {
      const trainedOn = trainer.trainingData!.map((p) => inputValue(trainer, p, g)).find((v): v is DatasetValue => v?.type === 'dataset' && datasetsOverlap(v, scored));
      if (!trainedOn) continue;
      const data = scored.label === trainedOn.label ? scored.label : `${scored.label}, which shares samples with ${trainedOn.label}`;
      warnings.push(`Scored on the samples node "${trainer.id}" trained on (${data}): these figures overstate how the model does on data it never saw. Feed this node a split the training did not use (e.g. the MNIST test split after training on the train split).`);
    }
  }
  return warnings;
}
