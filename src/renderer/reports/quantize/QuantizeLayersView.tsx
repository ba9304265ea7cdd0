// `quantize.layers`: per-tensor SQNR as a bar chart with the worst layers called out, then
// scales, zero points and ranges, the fusion check and the nodes left in float.
import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ReportViewProps } from '../registry.ts';
import { fmt, POOR_SQNR_DB, worstActivations, type LayersReport, type TensorRow } from './types.ts';

function barColor(t: TensorRow, worst: Set<string>): string {
  if (worst.has(t.tensor)) return '#dc2626';
  return (t.sqnrDb ?? Infinity) < POOR_SQNR_DB + 10 ? '#f59e0b' : '#16a34a';
}

function FusionLine({ data }: { data: LayersReport }) {
  const f = data.fusion;
  if (!f) return null;
  const kernels = Object.entries(f.kernels).map(([k, n]) => `${n} ${k}`).join(', ');
  return (
    <div data-testid="quantize-fusion">
      <p>
        <strong>{f.fused} of {f.groups}</strong> quantized groups run as int8 kernels in ONNX Runtime{kernels ? ` (${kernels})` : ''}.
      </p>
      {f.unfused.length > 0 && (
        <ul className="wh-error">
          {f.unfused.map((u) => <li key={u.node}>{u.opType} <code>{u.node}</code> not fused: {u.reason}</li>)}
        </ul>
      )}
    </div>
  );
}

export function QuantizeLayersView({ report }: ReportViewProps) {
  const data = report.data as LayersReport;
  const acts = data.tensors.filter((t) => t.kind === 'activation' && typeof t.sqnrDb === 'number');
  const worst = worstActivations(data.tensors);
  const worstSet = new Set(worst.map((t) => t.tensor));
  const chart = acts.map((t) => ({ ...t, label: t.producer }));
  return (
    <section data-testid="quantize-layers">
      <p className="wh-muted">
        {data.mode}{data.target ? ` · target ${data.target}` : ''} · {data.tensors.filter((t) => t.kind === 'activation').length} activations, {data.tensors.filter((t) => t.kind === 'weight').length} weights quantized
      </p>
      <FusionLine data={data} />
      {worst.length > 0 && (
        <div data-testid="quantize-worst">
          <h4>Worst layers (lowest SQNR between fp32 and int8 activations)</h4>
          <ol>
            {worst.map((t) => (
              <li key={t.tensor}>
                <strong>{fmt(t.sqnrDb, 3)} dB</strong> — {t.producerOp} <code>{t.producer}</code>
                {(t.sqnrDb as number) < POOR_SQNR_DB ? ' (poor: consider keeping it in float)' : ''}
              </li>
            ))}
          </ol>
        </div>
      )}
      {chart.length > 0 && (
        <ResponsiveContainer width="100%" height={Math.max(220, Math.min(420, 60 + chart.length * 5))}>
          <BarChart data={chart} margin={{ top: 8, right: 16, bottom: 40, left: 16 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="label" interval={chart.length > 30 ? 'preserveStartEnd' : 0} angle={-40} textAnchor="end" height={70} tick={{ fontSize: 10 }} />
            <YAxis unit=" dB" />
            <Tooltip formatter={(v) => `${fmt(Number(v))} dB`} />
            <ReferenceLine y={POOR_SQNR_DB} stroke="#dc2626" strokeDasharray="4 4" />
            <Bar dataKey="sqnrDb" name="SQNR" isAnimationActive={false}>
              {chart.map((t) => <Cell key={t.tensor} fill={barColor(t, worstSet)} />)}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      )}
      <details>
        <summary>Scales, zero points and ranges ({data.tensors.length} tensors)</summary>
        <table className="wh-table">
          <thead><tr><th>tensor</th><th>kind</th><th>op</th><th>scale</th><th>zero point</th><th>quantized range</th><th>observed range</th><th>SQNR dB</th><th>note</th></tr></thead>
          <tbody>
            {data.tensors.map((t) => (
              <tr key={`${t.kind}:${t.tensor}`} className={worstSet.has(t.tensor) ? 'wh-error' : undefined}>
                <td><code>{t.tensor}</code></td><td>{t.kind}</td><td>{t.producerOp}</td>
                <td className="wh-num">{fmt(t.scale)}</td><td className="wh-num">{t.zeroPoint}</td>
                <td className="wh-num">[{fmt(t.rangeMin)}, {fmt(t.rangeMax)}]</td>
                <td className="wh-num">[{fmt(t.observedMin)}, {fmt(t.observedMax)}]</td>
                <td className="wh-num">{fmt(t.sqnrDb)}</td>
                <td>{t.channels ? `per channel (${t.channels})` : t.sharedWith ? `shares scale of ${t.sharedWith}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      {data.floatNodes.length > 0 && (
        <details data-testid="quantize-float-nodes">
          <summary>Left in float ({data.floatNodes.length})</summary>
          <table className="wh-table">
            <thead><tr><th>node</th><th>op</th><th>reason</th></tr></thead>
            <tbody>{data.floatNodes.map((f) => <tr key={f.node}><td><code>{f.node}</code></td><td>{f.opType}</td><td>{f.reason}</td></tr>)}</tbody>
          </table>
        </details>
      )}
    </section>
  );
}
