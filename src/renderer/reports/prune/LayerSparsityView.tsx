// `prune.layers`: per-layer sparsity after pruning, and MACs before/after, as bar charts.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ReportViewProps } from '../registry.ts';
import { formatCount, pct, type LayerRow } from './types.ts';

export function LayerSparsityView({ report }: ReportViewProps) {
  const { layers } = report.data as { layers: LayerRow[] };
  const height = Math.max(220, Math.min(420, 60 + layers.length * 6));
  const axis = <XAxis dataKey="layer" interval={layers.length > 30 ? 'preserveStartEnd' : 0} angle={-40} textAnchor="end" height={70} tick={{ fontSize: 10 }} />;
  return (
    <section data-testid="prune-layer-sparsity">
      <h4>Sparsity per layer</h4>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={layers} margin={{ top: 8, right: 16, bottom: 40, left: 16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          {axis}
          <YAxis domain={[0, 1]} tickFormatter={pct} />
          <Tooltip formatter={(v) => pct(Number(v))} />
          <Bar dataKey="sparsity" name="Sparsity" fill="#8b5cf6" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <h4>MACs per layer</h4>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={layers} margin={{ top: 8, right: 16, bottom: 40, left: 16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          {axis}
          <YAxis tickFormatter={formatCount} />
          <Tooltip formatter={(v) => formatCount(Number(v))} />
          <Legend />
          <Bar dataKey="macsBefore" name="Before" fill="#94a3b8" isAnimationActive={false} />
          <Bar dataKey="macsAfter" name="After" fill="#0ea5e9" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </section>
  );
}
