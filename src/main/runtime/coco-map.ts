// Box mAP by the COCO definition, written after pycocotools' cocoeval.py (evaluateImg,
// accumulate, summarize) for the bbox task, area range "all": IoU thresholds 0.50:0.05:0.95,
// 101 recall points, at most `maxDets` detections per image and category, crowd boxes as
// ignore regions matched by intersection over the detection's area.

export interface GroundTruthBox {
  id: number;
  imageId: number;
  categoryId: number;
  /** [x, y, width, height] in pixels of the original image. */
  bbox: readonly number[];
  iscrowd?: boolean;
}

export interface DetectionBox {
  imageId: number;
  categoryId: number;
  bbox: readonly number[];
  score: number;
}

export interface CocoMapOptions {
  /** Images evaluated (detections on other images are dropped); default every image with a box. */
  imageIds?: readonly number[];
  /** Categories scored; default every category with a ground-truth box. */
  categoryIds?: readonly number[];
  maxDets?: number;
}

export interface CocoMapResult {
  /** Mean over IoU 0.50:0.95, 101 recall points and categories (-1 when nothing could be scored). */
  map: number;
  map50: number;
  map75: number;
  perCategory: { categoryId: number; ap: number; ap50: number; groundTruths: number }[];
}

/** numpy.linspace(start, stop, n): start + i*step, the last value exactly `stop`. */
function linspace(start: number, stop: number, n: number): number[] {
  const step = (stop - start) / (n - 1);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? stop : start + i * step));
}

export const IOU_THRESHOLDS = linspace(0.5, 0.95, 10);
export const RECALL_THRESHOLDS = linspace(0, 1, 101);

/** maskUtils.iou for boxes: crowd ground truths divide by the detection's area only. */
export function boxIou(d: readonly number[], g: readonly number[], crowd: boolean): number {
  const w = Math.min(d[0] + d[2], g[0] + g[2]) - Math.max(d[0], g[0]);
  const h = Math.min(d[1] + d[3], g[1] + g[3]) - Math.max(d[1], g[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  const union = crowd ? d[2] * d[3] : d[2] * d[3] + g[2] * g[3] - inter;
  return union > 0 ? inter / union : 0;
}

interface ImageEval { scores: number[]; matched: boolean[][]; ignored: boolean[][]; regularGts: number }

/** Stable sort of indices by a key, descending (numpy argsort of -key, kind='mergesort'). */
function orderByScore<T extends { score: number }>(items: T[]): T[] {
  return items.map((d, i) => ({ d, i })).sort((a, b) => b.d.score - a.d.score || a.i - b.i).map((x) => x.d);
}

/** evaluateImg for one image and category: greedy matching per IoU threshold. */
function evaluateImage(gts: GroundTruthBox[], dtsIn: DetectionBox[], maxDets: number): ImageEval | undefined {
  if (gts.length === 0 && dtsIn.length === 0) return undefined;
  // Ignored (crowd) ground truths last, order otherwise kept.
  const gt = [...gts.filter((g) => !g.iscrowd), ...gts.filter((g) => g.iscrowd)];
  const dt = orderByScore(dtsIn).slice(0, maxDets);
  const ious = dt.map((d) => gt.map((g) => boxIou(d.bbox, g.bbox, !!g.iscrowd)));
  const gtIgnore = gt.map((g) => !!g.iscrowd);
  const matched: boolean[][] = [];
  const ignored: boolean[][] = [];
  for (const t of IOU_THRESHOLDS) {
    const gtMatched = new Array<boolean>(gt.length).fill(false);
    const dm = new Array<boolean>(dt.length).fill(false);
    const di = new Array<boolean>(dt.length).fill(false);
    dt.forEach((_, d) => {
      let best = Math.min(t, 1 - 1e-10);
      let m = -1;
      for (let g = 0; g < gt.length; g++) {
        if (gtMatched[g] && !gt[g].iscrowd) continue;
        if (m > -1 && !gtIgnore[m] && gtIgnore[g]) break;
        if (ious[d][g] < best) continue;
        best = ious[d][g];
        m = g;
      }
      if (m === -1) return;
      di[d] = gtIgnore[m];
      dm[d] = true;
      gtMatched[m] = true;
    });
    matched.push(dm);
    ignored.push(di);
  }
  return { scores: dt.map((d) => d.score), matched, ignored, regularGts: gtIgnore.filter((x) => !x).length };
}

/** accumulate for one category: precision at the 101 recall points per IoU threshold, or undefined. */
function categoryPrecision(evals: ImageEval[]): number[][] | undefined {
  const regular = evals.reduce((a, e) => a + e.regularGts, 0);
  if (regular === 0) return undefined;
  const all = evals.flatMap((e, img) => e.scores.map((score, d) => ({ score, img, d })));
  const sorted = orderByScore(all);
  return IOU_THRESHOLDS.map((_, t) => {
    const rc: number[] = [];
    const pr: number[] = [];
    let tp = 0;
    let fp = 0;
    for (const { img, d } of sorted) {
      if (evals[img].ignored[t][d]) { rc.push(tp / regular); pr.push(tp / (fp + tp + Number.EPSILON)); continue; }
      if (evals[img].matched[t][d]) tp++; else fp++;
      rc.push(tp / regular);
      pr.push(tp / (fp + tp + Number.EPSILON));
    }
    // Interpolated precision: the best precision at any recall at least this high.
    for (let i = pr.length - 1; i > 0; i--) if (pr[i] > pr[i - 1]) pr[i - 1] = pr[i];
    return RECALL_THRESHOLDS.map((r) => {
      let lo = 0;
      let hi = rc.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (rc[mid] < r) lo = mid + 1; else hi = mid; }
      return lo < pr.length ? pr[lo] : 0;
    });
  });
}

const mean = (v: number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : -1);

export function cocoMap(groundTruths: readonly GroundTruthBox[], detections: readonly DetectionBox[], opts: CocoMapOptions = {}): CocoMapResult {
  const maxDets = opts.maxDets ?? 100;
  // Sorted like pycocotools (np.unique): the order breaks ties between equal scores.
  const imageIds = [...new Set(opts.imageIds ?? groundTruths.map((g) => g.imageId))].sort((a, b) => a - b);
  const categoryIds = opts.categoryIds ?? [...new Set(groundTruths.map((g) => g.categoryId))].sort((a, b) => a - b);
  const key = (img: number, cat: number): string => `${img}:${cat}`;
  const gtBy = new Map<string, GroundTruthBox[]>();
  const dtBy = new Map<string, DetectionBox[]>();
  for (const g of groundTruths) { const k = key(g.imageId, g.categoryId); gtBy.set(k, [...(gtBy.get(k) ?? []), g]); }
  for (const d of detections) { const k = key(d.imageId, d.categoryId); const l = dtBy.get(k); if (l) l.push(d); else dtBy.set(k, [d]); }
  const perCategory: CocoMapResult['perCategory'] = [];
  const everyValue: number[] = [];
  const at50: number[] = [];
  const at75: number[] = [];
  for (const cat of categoryIds) {
    const evals = imageIds.map((img) => evaluateImage(gtBy.get(key(img, cat)) ?? [], dtBy.get(key(img, cat)) ?? [], maxDets)).filter((e): e is ImageEval => e !== undefined);
    const precision = categoryPrecision(evals);
    if (!precision) continue;
    everyValue.push(...precision.flat());
    at50.push(...precision[0]);
    at75.push(...precision[5]);
    perCategory.push({ categoryId: cat, ap: mean(precision.flat()), ap50: mean(precision[0]), groundTruths: evals.reduce((a, e) => a + e.regularGts, 0) });
  }
  return { map: mean(everyValue), map50: mean(at50), map75: mean(at75), perCategory };
}
