// COCO mAP against values worked out by hand (pycocotools' definition): greedy matching per
// IoU threshold, precision made monotone from the right, read at 101 recall points.
import { describe, expect, it } from 'vitest';
import { boxIou, cocoMap, IOU_THRESHOLDS, RECALL_THRESHOLDS, type DetectionBox, type GroundTruthBox } from '../../src/main/runtime/coco-map.ts';

// A hand-made COCO file, crowd-free: images 1-3, categories 1 (A) and 2 (B); category 3 has no box.
const GT: GroundTruthBox[] = [
  { id: 1, imageId: 1, categoryId: 1, bbox: [0, 0, 10, 10] },
  { id: 2, imageId: 2, categoryId: 1, bbox: [0, 0, 10, 10] },
  { id: 3, imageId: 2, categoryId: 1, bbox: [20, 20, 10, 10] },
  { id: 4, imageId: 1, categoryId: 2, bbox: [30, 30, 20, 20] },
];
const DT: DetectionBox[] = [
  { imageId: 1, categoryId: 1, bbox: [0, 0, 10, 10], score: 0.9 }, // TP
  { imageId: 2, categoryId: 1, bbox: [0, 0, 10, 10], score: 0.8 }, // TP
  { imageId: 2, categoryId: 1, bbox: [50, 50, 10, 10], score: 0.7 }, // FP
  { imageId: 2, categoryId: 1, bbox: [20, 20, 10, 9], score: 0.6 }, // IoU 0.9: TP up to 0.90, FP at 0.95
  { imageId: 3, categoryId: 2, bbox: [0, 0, 5, 5], score: 0.95 }, // FP on an image without boxes
  { imageId: 1, categoryId: 2, bbox: [30, 30, 20, 20], score: 0.5 }, // TP
  { imageId: 1, categoryId: 3, bbox: [0, 0, 5, 5], score: 0.9 }, // category without ground truth: not scored
];
const ALL = { imageIds: [1, 2, 3], categoryIds: [1, 2, 3] };

describe('COCO mAP', () => {
  it('uses numpy linspace thresholds: 10 IoU thresholds, 101 recall points', () => {
    expect(IOU_THRESHOLDS.length).toBe(10);
    expect(IOU_THRESHOLDS[0]).toBe(0.5);
    expect(IOU_THRESHOLDS[9]).toBe(0.95);
    expect(RECALL_THRESHOLDS.length).toBe(101);
    expect(RECALL_THRESHOLDS[100]).toBe(1);
    expect(boxIou([20, 20, 10, 9], [20, 20, 10, 10], false)).toBeCloseTo(0.9, 12);
    expect(boxIou([10, 10, 10, 10], [0, 0, 100, 100], true)).toBe(1);
  });

  it('matches the hand-computed AP per category, mAP@0.5 and mAP@0.5:0.95', () => {
    const r = cocoMap(GT, DT, ALL);
    // Category A, IoU <= 0.90: TP TP FP TP -> recall 1/3 2/3 2/3 1, precision 1 1 2/3 3/4,
    // interpolated 1 1 3/4 3/4: 67 recall points at 1, 34 at 0.75.
    const apA50 = (67 + 34 * 0.75) / 101;
    // IoU 0.95: TP TP FP FP -> recall stops at 2/3: 67 points at 1, 34 at 0.
    const apA95 = 67 / 101;
    const apA = (9 * apA50 + apA95) / 10;
    // Category B: FP then TP -> precision 0 then 1/2, interpolated 1/2 everywhere.
    const apB = 0.5;
    expect(r.perCategory.map((c) => c.categoryId)).toEqual([1, 2]);
    expect(r.perCategory[0].ap50).toBeCloseTo(apA50, 12);
    expect(r.perCategory[0].ap).toBeCloseTo(apA, 12);
    expect(r.perCategory[1].ap).toBeCloseTo(apB, 12);
    expect(r.map50).toBeCloseTo((apA50 + apB) / 2, 12);
    expect(r.map).toBeCloseTo((apA + apB) / 2, 12);
    expect(r.map).toBeCloseTo(0.6952970297, 9);
    expect(r.map75).toBeCloseTo((apA50 + apB) / 2, 12);
  });

  it('keeps at most maxDets detections per image and category, best first', () => {
    const r = cocoMap(GT, DT, { ...ALL, maxDets: 1 });
    // Image 2 keeps only its 0.8 detection: TP TP, recall reaches 2/3 at every threshold.
    expect(r.perCategory[0].ap).toBeCloseTo(67 / 101, 12);
    expect(r.perCategory[1].ap).toBeCloseTo(0.5, 12);
  });

  it('scores a detection inside a crowd region as neither right nor wrong', () => {
    const crowd: GroundTruthBox = { id: 9, imageId: 3, categoryId: 2, bbox: [0, 0, 100, 100], iscrowd: true };
    const r = cocoMap([...GT, crowd], DT, ALL);
    // The 0.95 FP of category B now lies in the crowd region: TP alone gives AP 1.
    expect(r.perCategory[1].ap).toBeCloseTo(1, 12);
    expect(r.perCategory[1].groundTruths).toBe(1);
  });

  it('a category whose every detection misses has AP 0; no ground truth at all gives -1', () => {
    const miss = cocoMap(GT, DT.map((d) => ({ ...d, bbox: [500, 500, 1, 1] })), ALL);
    expect(miss.map).toBe(0);
    expect(cocoMap([], DT, ALL).map).toBe(-1);
  });
});
