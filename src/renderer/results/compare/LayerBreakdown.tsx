// Per-layer statistics of one model: a bar chart (parameters, MACs or sparsity per layer)
// and the table behind it.
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ModelInspection } from '../../../shared/api/models.ts';
import { formatCount } from './compareData.ts';

type Measure = 'parameters' | 'macs' | 'sparsity';
const MEASURES: { value: Measure; label: string }[] = [
  { value: 'parameters', label: 'Parameters' },
  { value: 'macs', label: 'MACs' },
  { value: 'sparsity', label: 'Sparsity' },
];

export function LayerBreakdown({ stats }: { stats: ModelInspection }) {
  const [measure, setMeasure] = useState<Measure>('parameters');
  const data = stats.layers.map((l) => ({
    name: l.name, opType: l.opType,
    value: measure === 'parameters' ? l.parameters : measure === 'macs' ? (l.macs ?? 0) : l.sparsity,
  }));
  const format = (v: number) => (measure === 'sparsity' ? `${(v * 100).toFixed(1)}%` : formatCount(v));
  return (
    <section className="wh-compare__layers" data-testid="layer-breakdown">
      <header className="wh-compare__layers-head">
        <h3>Layers of {stats.label}</h3>
        <div role="radiogroup" aria-label="Measure">
          {MEASURES.map((m) => (
            <label key={m.value} className="wh-compare__radio">
              <input type="radio" name="layer-measure" checked={measure === m.value} onChange={() => setMeasure(m.value)} /> {m.label}
            </label>
          ))}
        </div>
      </header>
      <ResponsiveContainer width="100%" height={Math.max(200, Math.min(480, 40 + data.length * 6))}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 60, left: 16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="name" interval={data.length > 30 ? 'preserveStartEnd' : 0} angle={-40} textAnchor="end" height={70} tick={{ fontSize: 10 }} />
          <YAxis tickFormatter={format} domain={measure === 'sparsity' ? [0, 1] : [0, 'auto']} />
          <Tooltip formatter={(v) => format(Number(v))} labelFormatter={(name, payload) => `${String(name)} (${String((payload?.[0]?.payload as { opType?: string } | undefined)?.opType ?? '')})`} />
          <Bar dataKey="value" name={MEASURES.find((m) => m.value === measure)!.label} fill="#8b5cf6" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <table className="wh-table" data-testid="layer-table">
        <thead>
          <tr><th>Layer</th><th>Op</th><th>Weight shape</th><th className="wh-num">Parameters</th><th className="wh-num">Non-zeros</th><th className="wh-num">Sparsity</th><th className="wh-num">MACs</th></tr>
        </thead>
        <tbody>
          {stats.layers.map((l) => (
            <tr key={l.name}>
              <td><code>{l.name}</code></td>
              <td>{l.opType}</td>
              <td>{l.weightShape ? `[${l.weightShape.join(', ')}]` : ''}</td>
              <td className="wh-num">{l.parameters.toLocaleString('en-US')}</td>
              <td className="wh-num">{l.nonZeroParameters.toLocaleString('en-US')}</td>
              <td className="wh-num">{(l.sparsity * 100).toFixed(1)}%</td>
              <td className="wh-num">{l.macs === null ? 'unknown' : l.macs.toLocaleString('en-US')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
