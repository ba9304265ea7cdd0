// Geometry of the training-curve sparkline drawn inside a canvas node: SVG polyline points
// for loss and accuracy per epoch. Pure, so it is tested without a DOM.
// The payload types are restated structurally (TrainCurveView's types satisfy them) so this
// file stays free of JSX and the Node-side type-check of the tests can read it.

export interface CurvePoint {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  valAccuracy?: number;
}

export interface TrainCurveData {
  epochs: CurvePoint[];
  totalEpochs: number;
}

export interface SparklineBox {
  widthPx: number;
  heightPx: number;
  /** Room kept free at every side so end dots and strokes are not clipped. */
  padPx: number;
}

export interface SparklineGeometry {
  /** SVG `points` strings ("x,y x,y ..."); empty when the series has no values. */
  trainLoss: string;
  trainAccuracy: string;
  valAccuracy: string;
  /** The losses that map to the top and bottom edges. */
  lossTop: number;
  lossBottom: number;
  last?: CurvePoint;
}

/**
 * The x axis spans the planned epochs (not the ones done so far), so the lines grow to the
 * right as epochs arrive instead of being re-stretched each time. Accuracy is on [0, 1];
 * loss on [its smallest, its largest value so far]: a short run lowers the loss by a few
 * percent only, and on [0, max] that trend would draw as a flat line at this size.
 */
export function sparklineGeometry(data: TrainCurveData, box: SparklineBox): SparklineGeometry {
  const points = (data.epochs ?? []).filter((p) => Number.isFinite(p.epoch));
  const lastEpoch = points.length > 0 ? points[points.length - 1].epoch : 1;
  const spanEpochs = Math.max(data.totalEpochs || 1, lastEpoch);
  const innerW = box.widthPx - 2 * box.padPx;
  const innerH = box.heightPx - 2 * box.padPx;
  const x = (epoch: number) => (spanEpochs <= 1 ? box.padPx + innerW / 2 : box.padPx + (innerW * (epoch - 1)) / (spanEpochs - 1));
  const y = (fraction: number) => box.padPx + innerH * (1 - Math.min(1, Math.max(0, fraction)));
  const finiteLosses = points.map((p) => p.trainLoss).filter(Number.isFinite);
  const lossTop = finiteLosses.length > 0 ? Math.max(...finiteLosses) : 1;
  const lossBottom = finiteLosses.length > 0 ? Math.min(...finiteLosses) : 0;
  // One loss value (or all equal) sits mid-height rather than on an edge.
  const lossFraction = (v: number) => (lossTop > lossBottom ? (v - lossBottom) / (lossTop - lossBottom) : 0.5);
  const series = (value: (p: CurvePoint) => number | undefined, fraction: (v: number) => number) =>
    points
      .map((p) => ({ epoch: p.epoch, v: value(p) }))
      .filter((p): p is { epoch: number; v: number } => p.v !== undefined && Number.isFinite(p.v))
      .map((p) => `${round(x(p.epoch))},${round(y(fraction(p.v)))}`)
      .join(' ');
  return {
    trainLoss: series((p) => p.trainLoss, lossFraction),
    trainAccuracy: series((p) => p.trainAccuracy, (v) => v),
    valAccuracy: series((p) => p.valAccuracy, (v) => v),
    lossTop,
    lossBottom,
    last: points[points.length - 1],
  };
}

function round(v: number): number {
  return Math.round(v * 10) / 10;
}

/** Report data arrives as `unknown`: a curve needs an epochs array and a planned total. */
export function isTrainCurveData(data: unknown): data is TrainCurveData {
  if (typeof data !== 'object' || data === null) return false;
  const d = data as { epochs?: unknown; totalEpochs?: unknown };
  return Array.isArray(d.epochs) && typeof d.totalEpochs === 'number';
}
