// Auto-layout (ELK layered, bundled build in this process; the app runs the same code in a
// worker) and free-spot placement on pipelines of 30, 100 and 300 nodes (edges ≈ 4/3 per
// node, as in bench/editor.bench.ts's 300/400 graph). Prints medians; asserts nothing.
import ELK from 'elkjs/lib/elk.bundled.js';
import { layoutChanges, type LayoutGeometry } from '../src/shared/editor/elkLayout.ts';
import { freePosition, type Rect } from '../src/shared/editor/placement.ts';
import type { EditorDocument } from '../src/shared/editor/types.ts';

const SIZE = { width: 220, height: 130 };
const geometry: LayoutGeometry = { sizeOf: () => SIZE, portsOf: () => ({ inputs: ['model', 'data'], outputs: ['model'] }) };

/** A chain with a skip edge every third node: n nodes, about 4n/3 edges, stacked on one spot. */
function pipeline(n: number): EditorDocument {
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}`, kind: 'k', params: {}, position: { x: 0, y: 0 } }));
  const edges: EditorDocument['edges'] = [];
  for (let i = 1; i < n; i++) edges.push({ from: [`n${i - 1}`, 'model'], to: [`n${i}`, 'model'] });
  for (let i = 3; i < n; i += 3) edges.push({ from: [`n${i - 3}`, 'model'], to: [`n${i}`, 'data'] });
  return { format: 'whittle.pipeline', version: 2, name: 'bench', nodes, edges };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export default async function bench(): Promise<void> {
  const elk = new ELK();
  console.log('| nodes | edges | ELK layout median ms | free spot (node asked on top of the graph) median ms |');
  console.log('|---:|---:|---:|---:|');
  for (const n of [30, 100, 300]) {
    const doc = pipeline(n);
    await layoutChanges(elk, doc, geometry); // warm-up (JIT)
    const layoutMs: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      await layoutChanges(elk, doc, geometry);
      layoutMs.push(performance.now() - t);
    }
    // A grid of n placed nodes; a new one asked for in its middle.
    const taken: Rect[] = doc.nodes.map((_, i) => ({ x: (i % 20) * 260, y: Math.floor(i / 20) * 170, ...SIZE }));
    const placeMs: number[] = [];
    for (let r = 0; r < 20; r++) {
      const t = performance.now();
      freePosition({ x: 5 * 260, y: Math.floor(n / 40) * 170 }, SIZE, taken);
      placeMs.push(performance.now() - t);
    }
    console.log(`| ${n} | ${doc.edges.length} | ${median(layoutMs).toFixed(1)} | ${median(placeMs).toFixed(2)} |`);
  }
}
