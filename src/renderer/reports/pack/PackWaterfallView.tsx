// `pack.waterfall`: the recipe's size per stage (fp32 -> pruned -> shared -> packed), raw
// and gzip, as bars on a log scale and a table with ratios, bits per weight and accuracy.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ReportViewProps } from '../registry.ts';
import type { PackWaterfallData } from '../../../shared/reports/pack.ts';
import { formatBytes, formatCount, formatPercent } from '../../../shared/format.ts';

export function PackWaterfallView({ report }: ReportViewProps) {
  const data = report.data as PackWaterfallData;
  const first = data.stages[0];
  const last = data.stages[data.stages.length - 1];
  return (
    <section data-testid="pack-waterfall">
      {first && last && first !== last && (
        <p data-testid="pack-waterfall-headline">
          {first.stage} file {formatBytes(first.fileBytes)} → {last.stage} {formatBytes(last.fileBytes)} ({formatBytes(last.gzipBytes)} gzip):{' '}
          <strong>{(first.fileBytes / last.gzipBytes).toFixed(1)}× smaller</strong> gzipped, {(first.fileBytes / last.fileBytes).toFixed(1)}× raw,
          {' '}{last.gzipBitsPerWeight.toFixed(2)} bits per weight over {formatCount(data.params)} weights.
        </p>
      )}
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={data.stages} margin={{ top: 8, right: 16, bottom: 8, left: 24 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="stage" />
          {/* Log scale: sizes span orders of magnitude; bars rise from half the smallest so each shows. */}
          <YAxis scale="log" domain={[(min: number) => min / 2, 'auto']} allowDataOverflow tickFormatter={(v) => formatBytes(Number(v))} />
          <Tooltip formatter={(v) => formatBytes(Number(v))} />
          <Legend />
          <Bar dataKey="fileBytes" name="file" fill="#94a3b8" isAnimationActive={false} />
          <Bar dataKey="gzipBytes" name="gzip" fill="#0ea5e9" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <table className="wh-table">
        <thead>
          <tr>
            <th>Stage</th><th>Model</th><th className="wh-num">File</th><th className="wh-num">gzip</th>
            <th className="wh-num">× smaller (file)</th><th className="wh-num">× smaller (gzip)</th><th className="wh-num">gzip bits/weight</th><th className="wh-num">Top-1</th>
          </tr>
        </thead>
        <tbody>
          {data.stages.map((s) => (
            <tr key={s.stage}>
              <th>{s.stage}</th>
              <td>{s.label}</td>
              <td className="wh-num">{formatBytes(s.fileBytes)}</td>
              <td className="wh-num">{formatBytes(s.gzipBytes)}</td>
              <td className="wh-num">{s.rawRatio.toFixed(1)}</td>
              <td className="wh-num">{s.gzipRatio.toFixed(1)}</td>
              <td className="wh-num">{s.gzipBitsPerWeight.toFixed(2)}</td>
              <td className="wh-num">{s.top1 === undefined ? '—' : formatPercent(s.top1)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="wh-muted">Ratios are against the first stage&apos;s file; the gzip column is what a download or an update costs.</p>
    </section>
  );
}
