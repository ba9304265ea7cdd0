// Which results of a run no longer describe the document: a node is outdated when its
// kind, params or incoming edges changed since the run, or when anything upstream of it
// is outdated or new. The editor dims those results until the next run.
import type { PipelineDocument } from '../pipeline/document.ts';

type Doc = Pick<PipelineDocument, 'nodes' | 'edges'>;

/** JSON with object keys sorted, so equal params compare equal whatever their order. */
function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v
  ));
}

function incoming(doc: Doc): Map<string, string[]> {
  const into = new Map<string, string[]>();
  for (const e of doc.edges) {
    const list = into.get(e.to[0]) ?? [];
    list.push(`${e.from[0]}.${e.from[1]}->${e.to[1]}`);
    into.set(e.to[0], list);
  }
  for (const list of into.values()) list.sort();
  return into;
}

/** Ids of the nodes of `now` whose results from the run of `ran` are out of date. */
export function outdatedNodeIds(ran: Doc, now: Doc): Set<string> {
  const before = new Map(ran.nodes.map((n) => [n.id, n]));
  const inBefore = incoming(ran);
  const inNow = incoming(now);
  const changed = new Set<string>();
  for (const node of now.nodes) {
    const old = before.get(node.id);
    const edgesNow = (inNow.get(node.id) ?? []).join('|');
    const edgesThen = (inBefore.get(node.id) ?? []).join('|');
    // A sweep set, changed or removed changes what the node ran with, as a param does.
    const settingsChanged = stable([old?.params, old?.sweeps ?? null]) !== stable([node.params, node.sweeps ?? null]);
    if (!old || old.kind !== node.kind || settingsChanged || edgesNow !== edgesThen) changed.add(node.id);
  }
  // Outdated flows downstream: a node fed by an outdated (or new) node is outdated too.
  const outdated = new Set<string>();
  const queue = [...changed];
  const downstream = new Map<string, string[]>();
  for (const e of now.edges) downstream.set(e.from[0], [...(downstream.get(e.from[0]) ?? []), e.to[0]]);
  while (queue.length > 0) {
    const id = queue.pop()!;
    if (outdated.has(id)) continue;
    outdated.add(id);
    queue.push(...(downstream.get(id) ?? []));
  }
  // Nodes the run never had show no result, so only ran nodes can be outdated.
  return new Set([...outdated].filter((id) => before.has(id)));
}
