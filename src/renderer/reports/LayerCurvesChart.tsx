// One line per layer: the score of the model changed in that layer alone, against how much it
// was changed (a pruning ratio, or index bits for weight sharing). Shared by the sensitivity views.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatPercent as pct } from '../../shared/format.ts';

const COLORS = ['#8b5cf6', '#0ea5e9', '#f97316', '#10b981', '#ef4444', '#eab308', '#64748b', '#ec4899'];

export interface LayerCurvesProps {
  /** One row per x value, one column per layer (the shape recharts' LineChart wants). */
  rows: Record<string, number>[];
  xKey: string;
  xLabel: string;
  xDomain: [number | string, number | string];
  xTicks?: number[];
  xTick: (x: number) => string;
  tooltipLabel: (x: number) => string;
  layers: string[];
  metric: string;
}

export function LayerCurvesChart(p: LayerCurvesProps) {
  return (
    <ResponsiveContainer width="100%" height={320}>
      <LineChart data={p.rows} margin={{ top: 8, right: 16, bottom: 16, left: 16 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey={p.xKey} type="number" domain={p.xDomain} ticks={p.xTicks} tickFormatter={(x) => p.xTick(Number(x))} label={{ value: p.xLabel, position: 'insideBottom', offset: -8 }} />
        <YAxis tickFormatter={pct} domain={['auto', 'auto']} label={{ value: p.metric, angle: -90, position: 'insideLeft' }} />
        <Tooltip formatter={(v) => pct(Number(v))} labelFormatter={(x) => p.tooltipLabel(Number(x))} />
        <Legend verticalAlign="top" height={28} />
        {p.layers.map((layer, i) => (
          <Line key={layer} dataKey={layer} stroke={COLORS[i % COLORS.length]} dot isAnimationActive={false} connectNulls />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}
