// `prune.sensitivity`: one curve per layer (score against the ratio pruned from that layer
// alone), and the proposed per-layer ratios.
import type { ReportViewProps } from '../registry.ts';
import { LayerCurvesChart } from '../LayerCurvesChart.tsx';
import { pct, type SensitivityData } from './types.ts';

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
      <LayerCurvesChart rows={rows} xKey="ratio" xDomain={[0, 1]} xTick={pct} xLabel="ratio pruned (this layer only)"
        tooltipLabel={(r) => `ratio ${pct(r)}`} layers={d.curves.map((c) => c.layer)} metric={d.metric} />
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
