// `share.sensitivity`: one curve per layer (score against k, that layer alone clustered) and
// the proposed k per layer with the index bits it costs.
import type { ReportViewProps } from '../registry.ts';
import { LayerCurvesChart } from '../LayerCurvesChart.tsx';
import { indexBits, type ShareSensitivityResult } from '../../../shared/reports/share.ts';
import { formatPercent as pct } from '../../../shared/format.ts';

export function ShareSensitivityView({ report }: ReportViewProps) {
  const d = report.data as ShareSensitivityResult;
  const bitsAxis = [...new Set(d.curves.flatMap((c) => c.points.map((p) => p.bits)))].sort((a, b) => a - b);
  // One row per index width, one column per layer: the shape recharts' LineChart wants.
  const rows = bitsAxis.map((bits) => {
    const row: Record<string, number> = { bits };
    for (const c of d.curves) {
      const p = c.points.find((x) => x.bits === bits);
      if (p) row[c.layer] = p.score;
    }
    return row;
  });
  const kOf = (bits: number) => d.kValues.find((k) => indexBits(k) === bits);
  return (
    <section data-testid="share-sensitivity">
      <LayerCurvesChart rows={rows} xKey="bits" xDomain={['dataMin', 'dataMax']} xTicks={bitsAxis} xTick={(b) => `${b} bit (k=${kOf(b)})`}
        xLabel="index bits per weight (this layer only clustered)" tooltipLabel={(b) => `k=${kOf(b)} (${b} bit)`} layers={d.curves.map((c) => c.layer)} metric={d.metric} />
      <p>
        Baseline {d.metric} {pct(d.baseline)}. The proposal uses {d.meanBits.toFixed(2)} index bits per weight (target {d.targetBits});
        the curves predict a loss of {(d.predictedLoss * 100).toFixed(2)} points.
      </p>
      <table className="wh-table" data-testid="share-sensitivity-proposal">
        <thead><tr><th>Layer</th><th className="wh-num">Weights</th><th className="wh-num">Proposed k</th><th className="wh-num">Index bits</th></tr></thead>
        <tbody>
          {d.curves.map((c) => (
            <tr key={c.layer}>
              <td><code>{c.layer}</code></td>
              <td className="wh-num">{c.weights.toLocaleString('en-US')}</td>
              <td className="wh-num">{d.proposal[c.layer]}</td>
              <td className="wh-num">{indexBits(d.proposal[c.layer])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
