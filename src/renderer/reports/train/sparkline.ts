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
  /** The loss that maps to the top edge (losses are drawn on [0, lossTop]). */
  lossTop: number;
  last?: CurvePoint;
}

/**
 * The x axis spans the planned epochs (not the ones done so far), so the lines grow to the
 * right as epochs arrive instead of being re-stretched each time. Accuracy is on [0, 1];
 * loss on [0, its largest value so far].
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
  const series = (value: (p: CurvePoint) => number | undefined, scale: number) =>
    points
      .map((p) => ({ epoch: p.epoch, v: value(p) }))
      .filter((p): p is { epoch: number; v: number } => p.v !== undefined && Number.isFinite(p.v))
      .map((p) => `${round(x(p.epoch))},${round(y(scale > 0 ? p.v / scale : 0))}`)
      .join(' ');
  return {
    trainLoss: series((p) => p.trainLoss, lossTop),
    trainAccuracy: series((p) => p.trainAccuracy, 1),
    valAccuracy: series((p) => p.valAccuracy, 1),
    lossTop,
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
