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

/** A binary min-heap of ids ordered by their rank. */
class RankHeap {
  private readonly items: string[] = [];
  constructor(private readonly rank: ReadonlyMap<string, number>) {}

  get size(): number {
    return this.items.length;
  }

  push(id: string): void {
    const a = this.items;
    a.push(id);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.rank.get(a[parent])! <= this.rank.get(a[i])!) break;
      [a[parent], a[i]] = [a[i], a[parent]];
      i = parent;
    }
  }

  pop(): string {
    const a = this.items;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.rank.get(a[l])! < this.rank.get(a[m])!) m = l;
        if (r < a.length && this.rank.get(a[r])! < this.rank.get(a[m])!) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
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
  // The ready nodes in a min-heap by rank: O(n log n) where sorting the list each step was quadratic.
  const ready = new RankHeap(rank);
  for (const id of ids) if (indegree.get(id) === 0) ready.push(id);
  const order: string[] = [];
  while (ready.size > 0) {
    const id = ready.pop();
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

/** Ids as 0..n-1 and the edges as compressed rows (targets of i at offsets[i]..offsets[i+1]). */
function compressedGraph(ids: readonly string[], edges: readonly DirectedEdge[]): { offsets: Int32Array; targets: Int32Array } {
  const at = new Map<string, number>();
  ids.forEach((id, i) => { if (!at.has(id)) at.set(id, i); });
  const from: number[] = [];
  const to: number[] = [];
  for (const e of edges) {
    const f = at.get(e.from);
    const t = at.get(e.to);
    if (f !== undefined && t !== undefined) { from.push(f); to.push(t); }
  }
  const offsets = new Int32Array(ids.length + 1);
  for (const f of from) offsets[f + 1]++;
  for (let i = 0; i < ids.length; i++) offsets[i + 1] += offsets[i];
  const fill = offsets.slice(0, ids.length);
  const targets = new Int32Array(from.length);
  for (let k = 0; k < from.length; k++) targets[fill[from[k]]++] = to[k];
  return { offsets, targets };
}

/** Every cycle as a strongly connected component (size > 1, or a self-loop), members in `ids` order. */
export function findCycles(ids: readonly string[], edges: readonly DirectedEdge[]): string[][] {
  // Iterative Tarjan on integer ids and typed arrays: linear, and a long chain cannot
  // overflow the call stack.
  const n = ids.length;
  const { offsets, targets } = compressedGraph(ids, edges);
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack = new Int32Array(n);
  let stackTop = 0;
  const workNode = new Int32Array(n);
  const workEdge = new Int32Array(n);
  const components: number[][] = [];
  let counter = 0;
  for (let start = 0; start < n; start++) {
    if (index[start] !== -1) continue;
    let depth = 0;
    workNode[0] = start; workEdge[0] = offsets[start];
    index[start] = low[start] = counter++;
    stack[stackTop++] = start; onStack[start] = 1;
    while (depth >= 0) {
      const v = workNode[depth];
      if (workEdge[depth] < offsets[v + 1]) {
        const t = targets[workEdge[depth]++];
        if (index[t] === -1) {
          index[t] = low[t] = counter++;
          stack[stackTop++] = t; onStack[t] = 1;
          depth++;
          workNode[depth] = t; workEdge[depth] = offsets[t];
        } else if (onStack[t]) {
          low[v] = Math.min(low[v], index[t]);
        }
        continue;
      }
      depth--;
      if (depth >= 0) low[workNode[depth]] = Math.min(low[workNode[depth]], low[v]);
      if (low[v] !== index[v]) continue;
      const component: number[] = [];
      let member: number;
      do {
        member = stack[--stackTop];
        onStack[member] = 0;
        component.push(member);
      } while (member !== v);
      if (component.length > 1 || hasSelfLoop(v, offsets, targets)) components.push(component);
    }
  }
  // Integer ids are the positions in `ids`, so sorting them gives `ids` order.
  for (const c of components) c.sort((a, b) => a - b);
  components.sort((a, b) => a[0] - b[0]);
  return components.map((c) => c.map((i) => ids[i]));
}

function hasSelfLoop(v: number, offsets: Int32Array, targets: Int32Array): boolean {
  for (let k = offsets[v]; k < offsets[v + 1]; k++) if (targets[k] === v) return true;
  return false;
}

/** Every node reachable from `starts` (not including the starts themselves). */
export function downstreamOf(starts: Iterable<string>, edges: readonly DirectedEdge[]): Set<string> {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, []);
    next.get(e.from)!.push(e.to);
  }
  const seen = new Set<string>();
  const queue = Array.from(starts);
  const startSet = new Set(queue);
  // A read index instead of shift(), which moves the whole queue each time.
  for (let head = 0; head < queue.length; head++) {
    for (const t of next.get(queue[head]) ?? []) {
      if (seen.has(t)) continue;
      seen.add(t);
      queue.push(t);
    }
  }
  for (const s of startSet) seen.delete(s);
  return seen;
}
