// `train.curve`: loss and accuracy per epoch of a train/distill node. The same data arrives
// live (one 'report' event per epoch) and in the final result, so one chart serves both.
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ReportViewProps } from '../registry.ts';
import type { EpochRecord, TrainCurveData } from '../../../shared/reports/train.ts';

export type { TrainCurveData };
export type CurvePoint = EpochRecord;

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;

const STOP_TEXT: Record<string, string> = {
  'completed': 'completed',
  'early-stopped': 'stopped early (no better validation accuracy)',
  'cancelled': 'cancelled; best model so far kept',
  'diverged': 'stopped: the loss became NaN; last good model kept',
};

/** The chart alone, for the results view and for a node's live preview. */
export function TrainCurveChart({ data, height = 260 }: { data: TrainCurveData; height?: number }) {
  const points = data.epochs ?? [];
  const hasVal = points.some((p) => p.valAccuracy !== undefined);
  const hasTest = points.some((p) => p.testAccuracy !== undefined);
  const last = points[points.length - 1];
  return (
    <div data-testid="train-curve">
      <p className="wh-muted">
        Epoch {last?.epoch ?? 0} of {data.totalEpochs}
        {last ? ` · loss ${last.trainLoss.toFixed(4)} · train ${pct(last.trainAccuracy)}` : ''}
        {last?.valAccuracy !== undefined ? ` · validation ${pct(last.valAccuracy)}` : ''}
        {data.bestEpoch ? ` · best epoch ${data.bestEpoch}` : ''}
        {data.stopReason ? ` · ${STOP_TEXT[data.stopReason] ?? data.stopReason}` : ''}
      </p>
      <ResponsiveContainer width="100%" height={height}>
        <LineChart data={points} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="epoch" type="number" domain={[1, Math.max(1, data.totalEpochs)]} allowDecimals={false} />
          <YAxis yAxisId="loss" orientation="left" tickFormatter={(v: number) => v.toFixed(2)} />
          <YAxis yAxisId="acc" orientation="right" domain={[0, 1]} tickFormatter={pct} />
          <Tooltip formatter={(v, name) => (String(name).includes('accuracy') ? pct(Number(v)) : Number(v).toFixed(4))} />
          <Legend />
          {data.bestEpoch ? <ReferenceLine yAxisId="loss" x={data.bestEpoch} stroke="#16a34a" strokeDasharray="4 2" label="best" /> : null}
          <Line yAxisId="loss" dataKey="trainLoss" name="train loss" stroke="#ef4444" dot={false} isAnimationActive={false} />
          {hasVal ? <Line yAxisId="loss" dataKey="valLoss" name="validation loss" stroke="#f59e0b" dot={false} isAnimationActive={false} /> : null}
          <Line yAxisId="acc" dataKey="trainAccuracy" name="train accuracy" stroke="#3b82f6" dot={false} isAnimationActive={false} />
          {hasVal ? <Line yAxisId="acc" dataKey="valAccuracy" name="validation accuracy" stroke="#8b5cf6" dot isAnimationActive={false} /> : null}
          {hasTest ? <Line yAxisId="acc" dataKey="testAccuracy" name="test accuracy" stroke="#10b981" dot={false} isAnimationActive={false} /> : null}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

export function TrainCurveView({ report }: ReportViewProps) {
  return <TrainCurveChart data={report.data as TrainCurveData} />;
}
