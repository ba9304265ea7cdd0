// Geometry of the training curve drawn inside a canvas node, checked by hand: the x axis
// spans the planned epochs, accuracy maps [0, 1] and loss [min loss, max loss] onto the box.
import { describe, expect, it } from 'vitest';
import { isTrainCurveData, sparklineGeometry } from '../../src/renderer/reports/train/sparkline.ts';

const BOX = { widthPx: 200, heightPx: 44, padPx: 2 };
const pts = (s: string) => s.split(' ').map((p) => p.split(',').map(Number));

describe('training curve sparkline geometry', () => {
  it('places epochs on the planned span so the lines grow to the right', () => {
    const g = sparklineGeometry({
      totalEpochs: 5,
      epochs: [
        { epoch: 1, trainLoss: 2, trainAccuracy: 0.5 },
        { epoch: 2, trainLoss: 1.5, trainAccuracy: 1, valAccuracy: 0.25 },
        { epoch: 3, trainLoss: 1, trainAccuracy: 0.75 },
      ],
    }, BOX);
    // x: pad + 196 * (epoch - 1) / 4; y: pad + 40 * (1 - fraction); loss spans [1, 2].
    expect(pts(g.trainLoss)).toEqual([[2, 2], [51, 22], [100, 42]]);
    expect(pts(g.trainAccuracy)).toEqual([[2, 22], [51, 2], [100, 12]]);
    expect(pts(g.valAccuracy)).toEqual([[51, 32]]);
    expect([g.lossBottom, g.lossTop]).toEqual([1, 2]);
    expect(g.last?.epoch).toBe(3);
  });

  it('centres a one-epoch run, skips a NaN loss and clamps accuracy', () => {
    const one = sparklineGeometry({ totalEpochs: 1, epochs: [{ epoch: 1, trainLoss: 0.5, trainAccuracy: 1.2 }] }, BOX);
    expect(pts(one.trainLoss)).toEqual([[100, 22]]);
    expect(pts(one.trainAccuracy)).toEqual([[100, 2]]);
    const nan = sparklineGeometry({
      totalEpochs: 3,
      epochs: [{ epoch: 1, trainLoss: 4, trainAccuracy: 0.1 }, { epoch: 2, trainLoss: Number.NaN, trainAccuracy: 0.1 }],
    }, BOX);
    expect(pts(nan.trainLoss)).toEqual([[2, 22]]);
    expect(nan.valAccuracy).toBe('');
  });

  it('an early-stopped run that reports more epochs than planned still fits the box', () => {
    const g = sparklineGeometry({ totalEpochs: 2, epochs: [1, 2, 3].map((epoch) => ({ epoch, trainLoss: 1, trainAccuracy: 0 })) }, BOX);
    expect(pts(g.trainAccuracy).map(([x]) => x)).toEqual([2, 100, 198]);
  });

  it('accepts only curve-shaped report data', () => {
    expect(isTrainCurveData({ epochs: [], totalEpochs: 3 })).toBe(true);
    expect(isTrainCurveData({ epochs: 'x', totalEpochs: 3 })).toBe(false);
    expect(isTrainCurveData({ rows: [] })).toBe(false);
    expect(isTrainCurveData(null)).toBe(false);
  });
});
