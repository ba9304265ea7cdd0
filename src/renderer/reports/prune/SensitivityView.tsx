// `prune.sensitivity`: one curve per layer (score against the ratio pruned from that layer
// alone), and the proposed per-layer ratios.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ReportViewProps } from '../registry.ts';
import { pct, type SensitivityData } from './types.ts';

const COLORS = ['#8b5cf6', '#0ea5e9', '#f97316', '#10b981', '#ef4444', '#eab308', '#64748b', '#ec4899'];

export function SensitivityView({ report }: ReportViewProps) {
  const d = report.data as SensitivityData;
  const ratios = [0, ...new Set(d.curves.flatMap((c) => c.points.map((p) => p.ratio)))].sort((a, b) => a - b);
  // One row per ratio, one column per layer: the shape recharts' LineChart wants.
  const rows = ratios.map((ratio) => {
    const row: Record<string, number> = { ratio };
    for (const c of d.curves) {
      const p = ratio === 0 ? { score: d.baseline } : c.points.find((x) => x.ratio === ratio);
      if (p) row[c.layer] = p.score;
    }
    return row;
  });
  return (
    <section data-testid="prune-sensitivity">
      <ResponsiveContainer width="100%" height={320}>
        <LineChart data={rows} margin={{ top: 8, right: 16, bottom: 16, left: 16 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="ratio" type="number" domain={[0, 1]} tickFormatter={pct} label={{ value: 'ratio pruned (this layer only)', position: 'insideBottom', offset: -8 }} />
          <YAxis tickFormatter={pct} domain={['auto', 'auto']} label={{ value: d.metric, angle: -90, position: 'insideLeft' }} />
          <Tooltip formatter={(v) => pct(Number(v))} labelFormatter={(r) => `ratio ${pct(Number(r))}`} />
          <Legend />
          {d.curves.map((c, i) => (
            <Line key={c.layer} dataKey={c.layer} stroke={COLORS[i % COLORS.length]} dot isAnimationActive={false} connectNulls />
          ))}
        </LineChart>
      </ResponsiveContainer>
      <p>
        Baseline {d.metric} {pct(d.baseline)}. Proposal removes {pct(d.proposedFraction)}; the curves predict a loss of {(d.predictedLoss * 100).toFixed(2)} points.
      </p>
      <table className="wh-table" data-testid="prune-sensitivity-proposal">
        <thead><tr><th>Layer</th><th className="wh-num">Units</th><th className="wh-num">Proposed ratio</th></tr></thead>
        <tbody>
          {d.curves.map((c) => (
            <tr key={c.layer}>
              <td><code>{c.layer}</code></td>
              <td className="wh-num">{c.units.toLocaleString('en-US')}</td>
              <td className="wh-num">{pct(d.proposal[c.layer] ?? 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
