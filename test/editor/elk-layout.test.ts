// Auto-layout through ELK (bundled build, same algorithm as the app's worker) and the
// free-spot search for new nodes.
import ELK from 'elkjs/lib/elk.bundled.js';
import { describe, expect, it } from 'vitest';
import { applyPipelineChanges } from '../../src/shared/editor/changes.ts';
import { layoutChanges, type LayoutGeometry } from '../../src/shared/editor/elkLayout.ts';
import { freeOffset, freePosition, membersOf, type Rect } from '../../src/shared/editor/placement.ts';
import type { EditorDocument } from '../../src/shared/editor/types.ts';

const elk = new ELK();
const SIZE = { width: 220, height: 120 };
const geometry: LayoutGeometry = {
  sizeOf: (id) => (id.startsWith('note') ? { width: 200, height: 100 } : SIZE),
  portsOf: (id) => ({ inputs: id === 'src' || id === 'data' ? [] : ['model', 'data'], outputs: ['model'] }),
};

function chain(): EditorDocument {
  // All stacked on one spot, as a hand-written document might be.
  const at = { x: 100, y: 100 };
  return {
    format: 'whittle.pipeline', version: 2, name: 't',
    nodes: ['src', 'data', 'prune', 'quant', 'eval'].map((id) => ({ id, kind: id, params: {}, position: at })),
    edges: [
      { from: ['src', 'model'], to: ['prune', 'model'] },
      { from: ['data', 'model'], to: ['prune', 'data'] },
      { from: ['prune', 'model'], to: ['quant', 'model'] },
      { from: ['quant', 'model'], to: ['eval', 'model'] },
      { from: ['src', 'model'], to: ['eval', 'data'] },
    ],
  };
}

function rectOf(doc: EditorDocument, id: string): Rect {
  const n = doc.nodes.find((x) => x.id === id)!;
  return { ...n.position!, ...SIZE };
}

function overlapping(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

describe('layoutChanges (ELK layered)', () => {
  it('puts every edge left to right and no two nodes on each other, keeping the top-left corner', async () => {
    const doc = chain();
    const laid = applyPipelineChanges(doc, await layoutChanges(elk, doc, geometry));
    for (const e of laid.edges) expect(rectOf(laid, e.to[0]).x).toBeGreaterThan(rectOf(laid, e.from[0]).x + SIZE.width);
    const ids = laid.nodes.map((n) => n.id);
    for (const a of ids) for (const b of ids) if (a < b) expect(overlapping(rectOf(laid, a), rectOf(laid, b))).toBe(false);
    expect(Math.min(...laid.nodes.map((n) => n.position!.x))).toBe(100);
    expect(Math.min(...laid.nodes.map((n) => n.position!.y))).toBe(100);
  });

  it('keeps a group around its members and leaves a note far from everything where it was', async () => {
    const doc: EditorDocument = {
      ...chain(),
      groups: [{ id: 'group-1', title: 'Compress', position: { x: 50, y: 50 }, size: { width: 400, height: 300 } }],
      notes: [{ id: 'note-1', text: 'hi', position: { x: 2000, y: 2000 }, size: { width: 200, height: 100 } }],
    };
    // Only prune and quant sit inside the group.
    doc.nodes = doc.nodes.map((n) => (n.id === 'prune' || n.id === 'quant' ? n : { ...n, position: { x: 900, y: 900 } }));
    const laid = applyPipelineChanges(doc, await layoutChanges(elk, doc, geometry));
    const g = laid.groups![0];
    const members = membersOf({ id: g.id, ...g.position, ...g.size }, laid.nodes.map((n) => ({ id: n.id, ...rectOf(laid, n.id) })));
    expect(members.sort()).toEqual(['prune', 'quant']);
    expect(laid.notes![0].position).toEqual({ x: 2000, y: 2000 });
  });

  it('moves a free note beside a node with that node, and one beside a group with the group', async () => {
    const doc: EditorDocument = {
      ...chain(),
      groups: [{ id: 'group-1', title: 'Lone', position: { x: 3000, y: 0 }, size: { width: 300, height: 200 } }],
      notes: [
        // 30 px right of eval (at 700, 300 before the layout).
        { id: 'note-1', text: 'eval on 256 images', position: { x: 950, y: 300 }, size: { width: 200, height: 100 } },
        // 40 px under the empty group.
        { id: 'note-2', text: 'spare', position: { x: 3000, y: 240 }, size: { width: 200, height: 100 } },
        { id: 'note-3', text: 'far away', position: { x: 1500, y: 1500 }, size: { width: 200, height: 100 } },
      ],
    };
    doc.nodes = doc.nodes.map((n, i) => ({ ...n, position: n.id === 'eval' ? { x: 700, y: 300 } : { x: 100 + 150 * i, y: 100 } }));
    const laid = applyPipelineChanges(doc, await layoutChanges(elk, doc, geometry));
    const evalAt = laid.nodes.find((n) => n.id === 'eval')!.position!;
    expect(evalAt).not.toEqual({ x: 700, y: 300 });
    const note = (id: string) => laid.notes!.find((n) => n.id === id)!.position;
    expect(note('note-1')).toEqual({ x: evalAt.x + 250, y: evalAt.y });
    const g = laid.groups![0].position;
    expect(note('note-2')).toEqual({ x: g.x, y: g.y + 240 });
    expect(note('note-3')).toEqual({ x: 1500, y: 1500 });
  });

  it('lays out an empty document as nothing', async () => {
    expect(await layoutChanges(elk, { ...chain(), nodes: [], edges: [] }, geometry)).toEqual([]);
  });
});

describe('freeOffset / freePosition', () => {
  const taken: Rect[] = [{ x: 0, y: 0, width: 220, height: 120 }, { x: 0, y: 160, width: 220, height: 120 }];

  it('keeps a free spot as it is', () => {
    expect(freePosition({ x: 600, y: 0 }, SIZE, taken)).toEqual({ x: 600, y: 0 });
  });

  it('moves a node asked for on top of another to the nearest clear spot', () => {
    const p = freePosition({ x: 10, y: 10 }, SIZE, taken);
    const placed = { ...p, ...SIZE };
    for (const t of taken) expect(overlapping(placed, { x: t.x - 19, y: t.y - 19, width: t.width + 38, height: t.height + 38 })).toBe(false);
    expect(Math.hypot(p.x - 10, p.y - 10)).toBeLessThan(300);
  });

  it('shifts a pasted block as a whole', () => {
    const block = [{ x: 0, y: 0, ...SIZE }, { x: 260, y: 0, ...SIZE }];
    const off = freeOffset(block, taken);
    for (const r of block) for (const t of taken) expect(overlapping({ ...r, x: r.x + off.x, y: r.y + off.y }, t)).toBe(false);
  });
});
