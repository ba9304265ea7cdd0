// The YOLOv8 head decoder on a hand-made head output: DFL distances, anchors at cell centres,
// sigmoid scores, and class-aware NMS.
import { describe, expect, it } from 'vitest';
import { decodeHeads, nonMaxSuppression, type Detection } from '../../src/main/runtime/yolo-decode.ts';

const REG = 4; // bins per side
const CLASSES = 2;

/** A 2x2 head, stride 8: every logit low except what `set` writes. */
function head(set: (put: (channel: number, x: number, y: number, v: number) => void) => void): Float32Array {
  const data = new Float32Array((4 * REG + CLASSES) * 4);
  for (let c = 4 * REG; c < 4 * REG + CLASSES; c++) data.fill(-20, c * 4, c * 4 + 4);
  set((channel, x, y, v) => { data[channel * 4 + y * 2 + x] = v; });
  return data;
}

describe('YOLO head decoding', () => {
  it('decodes DFL bins into a box around the cell centre, scaled by the stride', () => {
    const data = head((put) => {
      // Cell (x=1, y=0): left -> bin 1, top -> bin 2, right -> bin 1, bottom -> bin 3 (one-hot logits).
      [1, 2, 1, 3].forEach((bin, side) => put(side * REG + bin, 1, 0, 40));
      put(4 * REG + 1, 1, 0, 2); // class 1, sigmoid(2)
    });
    const dets = decodeHeads([{ data, channels: 4 * REG + CLASSES, height: 2, width: 2, stride: 8 }], { regMax: REG, scoreThreshold: 0.25 });
    expect(dets.length).toBe(1);
    const [d] = dets;
    expect(d.classIndex).toBe(1);
    expect(d.score).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
    // Anchor (1.5, 0.5): x1 = (1.5 - 1) * 8, y1 = (0.5 - 2) * 8, x2 = (1.5 + 1) * 8, y2 = (0.5 + 3) * 8.
    [4, -12, 20, 28].forEach((v, i) => expect(d.box[i]).toBeCloseTo(v, 9));
  });

  it('takes the expected bin of the softmax (equal logits: the middle of the bins)', () => {
    const data = head((put) => { put(4 * REG, 0, 1, 0); });
    const [d] = decodeHeads([{ data, channels: 4 * REG + CLASSES, height: 2, width: 2, stride: 16 }], { regMax: REG, scoreThreshold: 0.25 });
    // Every side 1.5 bins from the anchor (0.5, 1.5), times 16.
    [-16, 0, 32, 48].forEach((v, i) => expect(d.box[i]).toBeCloseTo(v, 9));
    expect(d.score).toBe(0.5);
  });

  it('drops candidates under the score threshold and lists one candidate per class above it', () => {
    const data = head((put) => { put(4 * REG, 0, 0, 3); put(4 * REG + 1, 0, 0, -1); });
    const h = { data, channels: 4 * REG + CLASSES, height: 2, width: 2, stride: 8 };
    expect(decodeHeads([h], { regMax: REG, scoreThreshold: 0.5 }).map((d) => d.classIndex)).toEqual([0]);
    expect(decodeHeads([h], { regMax: REG, scoreThreshold: 0.1 }).map((d) => d.classIndex)).toEqual([0, 1]);
  });

  it('NMS suppresses overlapping boxes of one class, keeps other classes and the best first', () => {
    const box = (x: number, cls: number, score: number): Detection => ({ box: [x, 0, x + 10, 10], classIndex: cls, score });
    const kept = nonMaxSuppression([box(1, 0, 0.6), box(0, 0, 0.9), box(0, 1, 0.5), box(30, 0, 0.4)], { iouThreshold: 0.5 });
    // IoU of [0,10] and [1,11] is 9/11 > 0.5: the 0.6 box goes.
    expect(kept.map((d) => [d.box[0], d.classIndex, d.score])).toEqual([[0, 0, 0.9], [0, 1, 0.5], [30, 0, 0.4]]);
    expect(nonMaxSuppression([box(1, 0, 0.6), box(0, 0, 0.9)], { iouThreshold: 0.9 }).length).toBe(2);
    expect(nonMaxSuppression([box(0, 0, 0.9), box(30, 0, 0.8), box(60, 0, 0.7)], { maxDetections: 2 }).length).toBe(2);
  });
});
