// The training curve inside a canvas node: loss and accuracy per epoch as a node-wide
// sparkline with a two-line caption of the latest values. A fixed-size box, so the node does not grow or jump
// as epochs arrive; the full chart with axes is TrainCurveChart in the results view.
import { sparklineGeometry, type TrainCurveData } from './sparkline.ts';

/** The report kind the train and distill nodes emit after every epoch. */
export { TRAIN_CURVE_KIND } from '../../../shared/reports/train.ts';

const BOX = { widthPx: 200, heightPx: 44, padPx: 3 };
const LOSS_COLOR = '#ef4444';
const TRAIN_ACC_COLOR = '#3b82f6';
const VAL_ACC_COLOR = '#8b5cf6';

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

function lastDot(points: string, color: string) {
  const last = points.split(' ').pop();
  if (!last) return null;
  const [cx, cy] = last.split(',');
  return <circle cx={cx} cy={cy} r={2.2} fill={color} />;
}

/**
 * `data` undefined draws the empty frame (a training node that has not finished its first
 * epoch yet), so the box is there from the start and the node keeps its height.
 */
export function TrainCurveSparkline({ nodeId, data }: { nodeId: string; data: TrainCurveData | undefined }) {
  const g = data ? sparklineGeometry(data, BOX) : null;
  const last = g?.last;
  const total = data?.totalEpochs ?? 0;
  const title = last
    ? `Epoch ${last.epoch} of ${total}: train loss ${last.trainLoss.toFixed(4)}, train accuracy ${pct(last.trainAccuracy)}` +
      `${last.valAccuracy !== undefined ? `, validation accuracy ${pct(last.valAccuracy)}` : ''}.` +
      ` Red: loss (from ${g.lossBottom.toFixed(3)} at the bottom to ${g.lossTop.toFixed(3)} at the top); blue: train accuracy, dashed violet: validation accuracy (0 to 100%).`
    : 'Waiting for the first epoch';
  return (
    <div className="wh-node-curve" data-testid={`node-curve-${nodeId}`} data-epochs={last?.epoch ?? 0} title={title}>
      {last ? (
        <>
          <div className="wh-node-curve__caption">
            <span>Epoch {last.epoch}/{total}</span>
            <span style={{ color: LOSS_COLOR }}>loss {last.trainLoss.toFixed(4)}</span>
          </div>
          <div className="wh-node-curve__caption">
            <span style={{ color: TRAIN_ACC_COLOR }}>train {pct(last.trainAccuracy)}</span>
            {last.valAccuracy !== undefined && <span style={{ color: VAL_ACC_COLOR }}>validation {pct(last.valAccuracy)}</span>}
          </div>
        </>
      ) : (
        <>
          <div className="wh-node-curve__caption wh-muted">Waiting for the first epoch…</div>
          <div className="wh-node-curve__caption" />
        </>
      )}
      <svg className="wh-node-curve__plot" viewBox={`0 0 ${BOX.widthPx} ${BOX.heightPx}`} width={BOX.widthPx} height={BOX.heightPx} role="img" aria-label={title}>
        <line x1={0} x2={BOX.widthPx} y1={BOX.padPx} y2={BOX.padPx} className="wh-node-curve__grid" />
        <line x1={0} x2={BOX.widthPx} y1={BOX.heightPx - BOX.padPx} y2={BOX.heightPx - BOX.padPx} className="wh-node-curve__grid" />
        {g && (
          <>
            <polyline points={g.trainLoss} fill="none" stroke={LOSS_COLOR} strokeWidth={1.5} strokeLinejoin="round" />
            <polyline points={g.trainAccuracy} fill="none" stroke={TRAIN_ACC_COLOR} strokeWidth={1.5} strokeLinejoin="round" />
            {g.valAccuracy && <polyline points={g.valAccuracy} fill="none" stroke={VAL_ACC_COLOR} strokeWidth={1.5} strokeDasharray="3 2" strokeLinejoin="round" />}
            {lastDot(g.trainLoss, LOSS_COLOR)}
            {lastDot(g.trainAccuracy, TRAIN_ACC_COLOR)}
            {g.valAccuracy && lastDot(g.valAccuracy, VAL_ACC_COLOR)}
          </>
        )}
      </svg>
    </div>
  );
}
