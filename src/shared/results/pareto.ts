// Chart logic without a chart library: the Pareto front, axis ranges fitted to the data,
// short point labels, and label placement that avoids collisions.

export interface Point { key: string; x: number; y: number }

/**
 * Keys of the points no other point beats: smaller-or-equal x and larger-or-equal y, one
 * strictly. (x is a cost such as size or latency; y a quality such as accuracy.)
 */
export function paretoFront(points: readonly Point[]): Set<string> {
  const front = new Set<string>();
  for (const p of points) {
    const dominated = points.some((q) => q !== p && q.x <= p.x && q.y >= p.y && (q.x < p.x || q.y > p.y));
    if (!dominated) front.add(p.key);
  }
  return front;
}

/** A step of 1, 2 or 5 times a power of ten, about a fifth of `span`. */
function niceStep(span: number): number {
  const raw = span / 5;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const m = raw / pow;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * pow;
}

/**
 * An axis range around the data: a margin of `padFraction` of the spread on each side,
 * rounded out to a nice step, kept inside [min, max] when given (accuracy stays in [0, 1]).
 * The range spans at least `minSpan` (default: the data's spread; a tenth of a lone value),
 * so a single point or near-equal ones do not sit on an edge.
 */
export function fitDomain(values: readonly number[], opts: { min?: number; max?: number; padFraction?: number; minSpan?: number } = {}): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [opts.min ?? 0, opts.max ?? 1];
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  const minSpan = opts.minSpan ?? (hi > lo ? 0 : Math.abs(hi) * 0.1 || 1);
  const spread = Math.max(hi - lo, minSpan);
  const pad = spread * (opts.padFraction ?? 0.12);
  const mid = (lo + hi) / 2;
  let a = Math.min(lo - pad, mid - spread / 2 - pad);
  let b = Math.max(hi + pad, mid + spread / 2 + pad);
  const step = niceStep(b - a);
  a = Math.floor(a / step) * step;
  b = Math.ceil(b / step) * step;
  if (opts.min !== undefined) a = Math.max(opts.min, a);
  if (opts.max !== undefined) b = Math.min(opts.max, b);
  // Rounding errors of the step (0.1 + 0.2) would show as 0.30000000000000004 in ticks.
  return [Number(a.toPrecision(12)), Number(b.toPrecision(12))];
}

/**
 * Short labels for chart points: the last step of each label ("int8 5/5 layers"), with the
 * node id added where two points would read the same.
 */
export function shortLabels(items: readonly { key: string; label: string; nodeId: string }[]): Map<string, string> {
  const tail = (l: string) => l.split(' · ').pop() ?? l;
  const counts = new Map<string, number>();
  for (const i of items) counts.set(tail(i.label), (counts.get(tail(i.label)) ?? 0) + 1);
  return new Map(items.map((i) => [i.key, (counts.get(tail(i.label)) ?? 0) > 1 ? `${tail(i.label)} (${i.nodeId})` : tail(i.label)]));
}

export interface LabelBox { x: number; y: number; width: number; height: number }
export interface Placement { x: number; y: number; anchor: 'start' | 'middle' | 'end' }

/** Candidate spots around a point: right, left, above, below, the diagonals; then the same twice as far. */
const NEAR: { dx: number; dy: number; anchor: Placement['anchor'] }[] = [
  { dx: 1, dy: 0, anchor: 'start' }, { dx: -1, dy: 0, anchor: 'end' }, { dx: 0, dy: -1, anchor: 'middle' }, { dx: 0, dy: 1, anchor: 'middle' },
  { dx: 1, dy: -1, anchor: 'start' }, { dx: -1, dy: -1, anchor: 'end' }, { dx: 1, dy: 1, anchor: 'start' }, { dx: -1, dy: 1, anchor: 'end' },
];
const CANDIDATES = [...NEAR, ...NEAR.map((c) => ({ ...c, dx: c.dx * 2.5, dy: c.dy * 2.5 }))];
/** Half the side of the square kept clear around each point (its marker and a baseline ring). */
const DOT_HALF_PX = 9;

function overlapArea(a: LabelBox, b: LabelBox): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Greedy placement of one label per point (pixel coordinates): each label takes the first
 * candidate spot that overlaps no placed label, no other point and stays inside `bounds`;
 * when none is free, the spot with the least overlap. Returns the text anchor per point
 * (x, y is the text's baseline anchor point).
 */
export function placeLabels(points: readonly { x: number; y: number; width: number; height: number }[], bounds: LabelBox, gapPx = 11): Placement[] {
  const placed: LabelBox[] = [];
  const dots: LabelBox[] = points.map((p) => ({ x: p.x - DOT_HALF_PX, y: p.y - DOT_HALF_PX, width: 2 * DOT_HALF_PX, height: 2 * DOT_HALF_PX }));
  return points.map((p) => {
    let best: { box: LabelBox; place: Placement; cost: number } | undefined;
    for (const c of CANDIDATES) {
      const left = c.anchor === 'start' ? p.x + c.dx * gapPx : c.anchor === 'end' ? p.x + c.dx * gapPx - p.width : p.x - p.width / 2;
      const top = c.dy === 0 ? p.y - p.height / 2 : c.dy < 0 ? p.y + c.dy * gapPx - p.height : p.y + c.dy * gapPx;
      const box = { x: left, y: top, width: p.width, height: p.height };
      const outside = Math.max(0, bounds.x - box.x) + Math.max(0, box.x + box.width - bounds.x - bounds.width)
        + Math.max(0, bounds.y - box.y) + Math.max(0, box.y + box.height - bounds.y - bounds.height);
      // Its own point too: a far spot must not land back across the point.
      const cost = placed.reduce((s, b) => s + overlapArea(box, b), 0) + dots.reduce((s, d) => s + overlapArea(box, d), 0) + outside * p.height * 4;
      const anchorX = c.anchor === 'start' ? left : c.anchor === 'end' ? left + p.width : p.x;
      const place: Placement = { x: anchorX, y: top + p.height * 0.8, anchor: c.anchor };
      if (!best || cost < best.cost) best = { box, place, cost };
      if (cost === 0) break;
    }
    placed.push(best!.box);
    return best!.place;
  });
}
