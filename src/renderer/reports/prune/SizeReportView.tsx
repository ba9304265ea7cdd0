// `prune.size`: the size report before and after a prune/share node — file and gzip size,
// parameters, non-zeros, MACs and bits per weight, in total and per layer.
import type { ReportViewProps } from '../registry.ts';
import { formatBytes, formatCount, type SizeReport } from './types.ts';

const TOTALS: { label: string; get: (r: SizeReport) => number; format: (n: number) => string }[] = [
  { label: 'File size', get: (r) => r.fileBytes, format: formatBytes },
  { label: 'gzip size', get: (r) => r.gzipBytes, format: formatBytes },
  { label: 'Parameters', get: (r) => r.params, format: formatCount },
  { label: 'Non-zeros', get: (r) => r.nonzeros, format: formatCount },
  { label: 'MACs', get: (r) => r.macs, format: formatCount },
  { label: 'Bits per weight (file)', get: (r) => r.bitsPerWeight, format: (n) => n.toFixed(2) },
];

export function SizeReportView({ report }: ReportViewProps) {
  const { before, after } = report.data as { before: SizeReport; after: SizeReport };
  return (
    <section data-testid="prune-size-report">
      <table className="wh-table">
        <thead><tr><th /><th className="wh-num">Before</th><th className="wh-num">After</th><th className="wh-num">Ratio</th></tr></thead>
        <tbody>
          {TOTALS.map((t) => {
            const [b, a] = [t.get(before), t.get(after)];
            return (
              <tr key={t.label}>
                <th>{t.label}</th>
                <td className="wh-num">{t.format(b)}</td>
                <td className="wh-num">{t.format(a)}</td>
                <td className="wh-num">{b ? `${(a / b).toFixed(3)}x` : ''}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <table className="wh-table" data-testid="prune-size-layers">
        <thead>
          <tr>
            <th>Layer</th><th>Op</th><th className="wh-num">Params</th><th className="wh-num">Non-zeros</th>
            <th className="wh-num">Stored</th><th className="wh-num">gzip</th><th className="wh-num">Bits/weight</th><th className="wh-num">MACs</th>
          </tr>
        </thead>
        <tbody>
          {after.layers.map((l) => {
            const b = before.layers.find((x) => x.layer === l.layer);
            const pair = (x: number | undefined, y: number, f: (n: number) => string) => (x === undefined || x === y ? f(y) : `${f(x)} → ${f(y)}`);
            return (
              <tr key={l.layer}>
                <td><code>{l.layer}</code></td>
                <td>{l.opType}</td>
                <td className="wh-num">{pair(b?.params, l.params, formatCount)}</td>
                <td className="wh-num">{pair(b?.nonzeros, l.nonzeros, formatCount)}</td>
                <td className="wh-num">{pair(b?.storedBytes, l.storedBytes, formatBytes)}</td>
                <td className="wh-num">{pair(b?.gzipBytes, l.gzipBytes, formatBytes)}</td>
                <td className="wh-num">{pair(b?.bitsPerWeight, l.bitsPerWeight, (n) => n.toFixed(1))}</td>
                <td className="wh-num">{pair(b?.macs, l.macs, formatCount)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
