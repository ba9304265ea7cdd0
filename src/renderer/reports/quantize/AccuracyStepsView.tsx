// `quantize.accuracy`: the accuracy-aware steps — metric per step against the limit, which
// layer went back to float at each step, and whether the limit was reached.
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ReportViewProps } from '../registry.ts';
import { fmt, type AccuracyReport } from './types.ts';

export function AccuracyStepsView({ report }: ReportViewProps) {
  const data = report.data as AccuracyReport;
  const what = data.metric === 'accuracy' ? 'Accuracy' : 'Agreement with fp32';
  const floor = data.baselinePct - data.maxDropPoints;
  return (
    <section data-testid="quantize-accuracy">
      <p className={data.reached ? undefined : 'wh-error'} data-testid="quantize-accuracy-message">{data.message}</p>
      {data.steps.length > 1 && (
        <ResponsiveContainer width="100%" height={220}>
          <LineChart data={data.steps} margin={{ top: 8, right: 16, bottom: 8, left: 16 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="step" />
            <YAxis unit="%" domain={['auto', 'auto']} />
            <Tooltip formatter={(v) => `${fmt(Number(v), 4)}%`} />
            <ReferenceLine y={data.baselinePct} stroke="#64748b" label="fp32" />
            <ReferenceLine y={floor} stroke="#dc2626" strokeDasharray="4 4" label="limit" />
            <Line dataKey="metricPct" name={what} stroke="#0ea5e9" isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      )}
      <table className="wh-table">
        <thead><tr><th>step</th><th>returned to float</th><th>{what} %</th><th>drop (points)</th><th>within {data.maxDropPoints}</th></tr></thead>
        <tbody>
          {data.steps.map((s) => (
            <tr key={s.step}>
              <td className="wh-num">{s.step}</td>
              <td>{s.restored ? <code>{s.restored}</code> : 'everything quantized'}</td>
              <td className="wh-num">{s.metricPct.toFixed(2)}</td>
              <td className="wh-num">{s.dropPoints.toFixed(2)}</td>
              <td>{s.withinLimit ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data.ranked.length > 0 && (
        <p className="wh-muted">Layers ranked by {data.ranking === 'trial' ? 'accuracy regained when kept in float alone' : 'noise added (per-layer SQNR)'}: {data.ranked.map((r) => r.node).join(', ')}</p>
      )}
    </section>
  );
}
