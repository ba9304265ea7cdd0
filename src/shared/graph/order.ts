// Graph algorithms on node ids and directed edges, independent of the document format:
// a stable topological order, the cycles that prevent one, and downstream sets.

export interface DirectedEdge {
  from: string;
  to: string;
}

function adjacency(ids: readonly string[], edges: readonly DirectedEdge[]): Map<string, string[]> {
  const next = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const e of edges) {
    if (next.has(e.from) && next.has(e.to)) next.get(e.from)!.push(e.to);
  }
  return next;
}

/**
 * Kahn's algorithm; ties are broken by the order of `ids`, so the same graph always
 * gives the same order. `cyclic` lists the nodes left over (on or behind a cycle).
 */
export function topologicalOrder(ids: readonly string[], edges: readonly DirectedEdge[]): { order: string[]; cyclic: string[] } {
  const next = adjacency(ids, edges);
  const indegree = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const targets of next.values()) for (const t of targets) indegree.set(t, indegree.get(t)! + 1);
  const rank = new Map(ids.map((id, i) => [id, i]));
  const ready = ids.filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => rank.get(a)! - rank.get(b)!);
    const id = ready.shift()!;
    order.push(id);
    for (const t of next.get(id)!) {
      const d = indegree.get(t)! - 1;
      indegree.set(t, d);
      if (d === 0) ready.push(t);
    }
  }
  const done = new Set(order);
  return { order, cyclic: ids.filter((id) => !done.has(id)) };
}

/** Every cycle as a strongly connected component (size > 1, or a self-loop), members in `ids` order. */
export function findCycles(ids: readonly string[], edges: readonly DirectedEdge[]): string[][] {
  const next = adjacency(ids, edges);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;
  // Iterative Tarjan, so a long chain cannot overflow the call stack.
  for (const start of ids) {
    if (index.has(start)) continue;
    const work: { id: string; i: number }[] = [{ id: start, i: 0 }];
    index.set(start, counter); low.set(start, counter); counter++;
    stack.push(start); onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const targets = next.get(frame.id)!;
      if (frame.i < targets.length) {
        const t = targets[frame.i++];
        if (!index.has(t)) {
          index.set(t, counter); low.set(t, counter); counter++;
          stack.push(t); onStack.add(t);
          work.push({ id: t, i: 0 });
        } else if (onStack.has(t)) {
          low.set(frame.id, Math.min(low.get(frame.id)!, index.get(t)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].id;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.id)!));
      }
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.id);
        const selfLoop = component.length === 1 && next.get(member)!.includes(member);
        if (component.length > 1 || selfLoop) components.push(component);
      }
    }
  }
  const rank = new Map(ids.map((id, i) => [id, i]));
  for (const c of components) c.sort((a, b) => rank.get(a)! - rank.get(b)!);
  return components.sort((a, b) => rank.get(a[0])! - rank.get(b[0])!);
}

/** Every node reachable from `starts` (not including the starts themselves). */
export function downstreamOf(starts: Iterable<string>, edges: readonly DirectedEdge[]): Set<string> {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, []);
    next.get(e.from)!.push(e.to);
  }
  const seen = new Set<string>();
  const queue = [...starts];
  const startSet = new Set(queue);
  while (queue.length > 0) {
    for (const t of next.get(queue.shift()!) ?? []) {
      if (seen.has(t)) continue;
      seen.add(t);
      queue.push(t);
    }
  }
  for (const s of startSet) seen.delete(s);
  return seen;
}
