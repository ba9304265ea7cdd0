// YOLOv8-style anchor-free heads: per stride a map [4*regMax + classes, H, W] whose first
// 4*regMax channels are distribution-focal (DFL) bins of the left/top/right/bottom distances
// and the rest class logits. Decoded like Ultralytics (anchor at the cell centre, distance =
// expected bin, times the stride; scores = sigmoid), then class-aware NMS (multi-label).

export interface HeadMap {
  /** Values of one sample: channels x height x width. */
  data: Float32Array;
  channels: number;
  height: number;
  width: number;
  /** Input pixels per cell. */
  stride: number;
}

export interface Detection {
  /** x1, y1, x2, y2 in input pixels. */
  box: [number, number, number, number];
  classIndex: number;
  score: number;
}

export interface DecodeOptions {
  regMax?: number;
  /** Candidates below this score are dropped before NMS (0.001 for mAP, as Ultralytics validates). */
  scoreThreshold?: number;
  /** Boxes of one class overlapping a kept one more than this are suppressed. */
  iouThreshold?: number;
  /** Detections kept per image after NMS. */
  maxDetections?: number;
  /** Candidates entering NMS, best first (Ultralytics' max_nms). */
  maxCandidates?: number;
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Expected value of a softmax over `n` bins read with `stride` apart from `offset`. */
function dflDistance(data: Float32Array, offset: number, step: number, n: number): number {
  let max = -Infinity;
  for (let i = 0; i < n; i++) max = Math.max(max, data[offset + i * step]);
  let sum = 0;
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.exp(data[offset + i * step] - max);
    sum += e;
    weighted += i * e;
  }
  return weighted / sum;
}

/** Every (box, class) candidate scoring at least the threshold, from all heads of one image. */
export function decodeHeads(heads: HeadMap[], opts: DecodeOptions = {}): Detection[] {
  const regMax = opts.regMax ?? 16;
  const threshold = opts.scoreThreshold ?? 0.001;
  const logit = Math.log(threshold / (1 - threshold)); // compare logits, skip most sigmoids
  const out: Detection[] = [];
  for (const h of heads) {
    const classes = h.channels - 4 * regMax;
    const plane = h.height * h.width;
    for (let y = 0; y < h.height; y++) {
      for (let x = 0; x < h.width; x++) {
        const cell = y * h.width + x;
        let box: Detection['box'] | undefined;
        for (let c = 0; c < classes; c++) {
          const v = h.data[(4 * regMax + c) * plane + cell];
          if (!(v > logit)) continue;
          if (!box) {
            const [l, t, r, b] = [0, 1, 2, 3].map((side) => dflDistance(h.data, side * regMax * plane + cell, plane, regMax));
            const [ax, ay] = [x + 0.5, y + 0.5];
            box = [(ax - l) * h.stride, (ay - t) * h.stride, (ax + r) * h.stride, (ay + b) * h.stride];
          }
          out.push({ box, classIndex: c, score: sigmoid(v) });
        }
      }
    }
  }
  return out;
}

export function iouXyxy(a: readonly number[], b: readonly number[]): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
}

/** Greedy NMS per class, best score first; at most `maxDetections` kept. */
export function nonMaxSuppression(candidates: Detection[], opts: DecodeOptions = {}): Detection[] {
  const iouThreshold = opts.iouThreshold ?? 0.7;
  const maxDetections = opts.maxDetections ?? 300;
  const sorted = [...candidates].sort((a, b) => b.score - a.score).slice(0, opts.maxCandidates ?? 30000);
  const keptByClass = new Map<number, Detection[]>();
  const kept: Detection[] = [];
  for (const d of sorted) {
    const same = keptByClass.get(d.classIndex) ?? [];
    if (same.some((k) => iouXyxy(k.box, d.box) > iouThreshold)) continue;
    same.push(d);
    keptByClass.set(d.classIndex, same);
    kept.push(d);
    if (kept.length >= maxDetections) break;
  }
  return kept;
}
