// Where new items go on the canvas: at the requested spot when it is free, else at the
// nearest free one (searched ring by ring on a grid), so an added, pasted or searched-for
// node never lands on top of another. Also the geometric membership of groups.
import type { Size, XY } from './types.ts';

export interface Rect { x: number; y: number; width: number; height: number }

/** Room kept between a placed item and its neighbours. */
export const PLACEMENT_GAP_PX = 20;
const STEP_PX = 20;
const MAX_RINGS = 200;

function overlaps(a: Rect, b: Rect, gapPx: number): boolean {
  return a.x < b.x + b.width + gapPx && b.x < a.x + a.width + gapPx && a.y < b.y + b.height + gapPx && b.y < a.y + a.height + gapPx;
}

const CELL_PX = 256;

/**
 * Obstacles bucketed by 256 px cells, so a candidate spot is checked against its
 * neighbours only (a 300-node canvas would otherwise cost ~10^7 rectangle tests).
 */
class RectIndex {
  private cells = new Map<string, Rect[]>();

  constructor(rects: Rect[], private gapPx: number) {
    for (const r of rects) this.forCells(r, (key) => {
      const list = this.cells.get(key);
      if (list) list.push(r);
      else this.cells.set(key, [r]);
    });
  }

  private forCells(r: Rect, visit: (key: string) => void): void {
    const g = this.gapPx;
    for (let cx = Math.floor((r.x - g) / CELL_PX); cx <= Math.floor((r.x + r.width + g) / CELL_PX); cx++) {
      for (let cy = Math.floor((r.y - g) / CELL_PX); cy <= Math.floor((r.y + r.height + g) / CELL_PX); cy++) visit(`${cx},${cy}`);
    }
  }

  hits(r: Rect): boolean {
    let hit = false;
    this.forCells(r, (key) => {
      if (!hit) hit = (this.cells.get(key) ?? []).some((o) => overlaps(r, o, this.gapPx));
    });
    return hit;
  }
}

function blockIsFree(block: Rect[], offset: XY, obstacles: RectIndex): boolean {
  return block.every((r) => !obstacles.hits({ ...r, x: r.x + offset.x, y: r.y + offset.y }));
}

/** The grid offsets of ring `r` (the square at Chebyshev distance r), nearest first. */
function ring(r: number): XY[] {
  if (r === 0) return [{ x: 0, y: 0 }];
  const out: XY[] = [];
  for (let i = -r; i <= r; i++) {
    out.push({ x: i, y: -r }, { x: i, y: r });
    if (i !== -r && i !== r) out.push({ x: -r, y: i }, { x: r, y: i });
  }
  // Below and to the right first among equals: where a reader of a left-to-right graph looks next.
  return out.sort((a, b) => (a.x * a.x + a.y * a.y) - (b.x * b.x + b.y * b.y) || (b.y - a.y) || (b.x - a.x));
}

/**
 * The offset (px) to add to every rect of `block` so that none overlaps `obstacles`
 * (with a gap); {0, 0} when the block is already clear.
 */
export function freeOffset(block: Rect[], obstacles: Rect[], gapPx = PLACEMENT_GAP_PX): XY {
  if (block.length === 0 || obstacles.length === 0) return { x: 0, y: 0 };
  const index = new RectIndex(obstacles, gapPx);
  for (let r = 0; r <= MAX_RINGS; r++) {
    for (const cell of ring(r)) {
      const offset = { x: cell.x * STEP_PX, y: cell.y * STEP_PX };
      if (blockIsFree(block, offset, index)) return offset;
    }
  }
  // Unreachable on any real canvas (a 4000 px search radius); keep the requested spot.
  return { x: 0, y: 0 };
}

/** The top-left position for one new item of `size` near `at`, clear of `obstacles`. */
export function freePosition(at: XY, size: Size, obstacles: Rect[], gapPx = PLACEMENT_GAP_PX): XY {
  const offset = freeOffset([{ ...at, ...size }], obstacles, gapPx);
  return { x: Math.round(at.x + offset.x), y: Math.round(at.y + offset.y) };
}

/** True when the centre of `item` lies inside `group`: the rule for "this node is in that group". */
export function centreInside(item: Rect, group: Rect): boolean {
  const cx = item.x + item.width / 2;
  const cy = item.y + item.height / 2;
  return cx >= group.x && cx <= group.x + group.width && cy >= group.y && cy <= group.y + group.height;
}

/** The ids of the items whose centre lies inside `group` (the group itself excluded). */
export function membersOf(group: Rect & { id: string }, items: (Rect & { id: string })[]): string[] {
  return items.filter((i) => i.id !== group.id && centreInside(i, group)).map((i) => i.id);
}
