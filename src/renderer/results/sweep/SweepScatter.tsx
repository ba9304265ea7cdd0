// Every variant as a point over two chosen figures; the Pareto front over those two (each
// in its own better direction) drawn larger, in the accent colour, and joined by a line.
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { paretoFront, SWEEP_METRICS, type SweepMetric, type VariantOutcome } from '../../../shared/api/sweep-results.ts';
import { fitDomain } from '../../../shared/results/pareto.ts';

interface Props {
  variants: readonly VariantOutcome[];
  x: SweepMetric;
  y: SweepMetric;
  selected: string | null;
  onSelect(id: string): void;
  settingsText(v: VariantOutcome): string;
}

interface Dot { id: string; x: number; y: number }

export function SweepScatter({ variants, x, y, selected, onSelect, settingsText }: Props) {
  const measured = variants.filter((v) => v.metrics[x] !== undefined && v.metrics[y] !== undefined);
  const front = paretoFront(measured, [x, y]);
  const dots = (list: VariantOutcome[]): Dot[] => list.map((v) => ({ id: v.id, x: v.metrics[x]!, y: v.metrics[y]! }));
  const onFront = dots(measured.filter((v) => front.has(v.id))).sort((a, b) => a.x - b.x);
  const others = dots(measured.filter((v) => !front.has(v.id)));
  const xs = measured.map((v) => v.metrics[x]!);
  const ys = measured.map((v) => v.metrics[y]!);
  const byId = new Map(measured.map((v) => [v.id, v]));
  const fx = SWEEP_METRICS[x].format;
  const fy = SWEEP_METRICS[y].format;
  const pickDot = (item: { payload?: unknown }) => { const id = (item.payload as Dot | undefined)?.id; if (id) onSelect(id); };
  // Sizes and MACs print to one decimal of a k/KB: variants a few bytes apart (int8 models of
  // one net) would get five ticks all reading "65.9 KB", so their axis spans at least 5 %.
  const unit = (m: SweepMetric, values: number[]) => (m === 'accuracy' ? { min: 0, max: 1 } : m === 'drop' ? {} : { min: 0, minSpan: m === 'size' || m === 'macs' ? 0.05 * Math.max(...values) : undefined });
  return (
    <figure className="wh-sweep-chart" data-testid="sweep-scatter" data-points={measured.length} data-front={onFront.map((d) => d.id).join(',')}>
      <figcaption>{SWEEP_METRICS[y].label} against {SWEEP_METRICS[x].label.toLowerCase()}: {measured.length} variant{measured.length === 1 ? '' : 's'}, {onFront.length} on the front</figcaption>
      {measured.length === 0 ? <p className="wh-muted">No variant has both figures yet. Variants appear as they finish; a figure needs its node (Evaluate, Benchmark, Profile) after the swept nodes.</p> : (
        <ResponsiveContainer width="100%" height={280}>
          <ScatterChart margin={{ top: 10, right: 20, bottom: 30, left: 20 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" dataKey="x" domain={fitDomain(xs, unit(x, xs))} tickFormatter={fx} label={{ value: SWEEP_METRICS[x].label, position: 'insideBottom', offset: -18 }} />
            <YAxis type="number" dataKey="y" domain={fitDomain(ys, unit(y, ys))} tickFormatter={fy} width={80} label={{ value: SWEEP_METRICS[y].label, angle: -90, position: 'insideLeft' }} />
            <Tooltip
              cursor={{ strokeDasharray: '3 3' }}
              content={({ payload }) => {
                const d = payload?.[0]?.payload as Dot | undefined;
                const v = d ? byId.get(d.id) : undefined;
                if (!d || !v) return null;
                return (
                  <div className="wh-sweep-tip">
                    <strong>{d.id}</strong>{front.has(d.id) ? ' · on the front' : ''}
                    <div>{settingsText(v)}</div>
                    <div>{SWEEP_METRICS[x].label}: {fx(d.x)} · {SWEEP_METRICS[y].label}: {fy(d.y)}</div>
                  </div>
                );
              }}
            />
            <Scatter name="Variants" data={others} fill="#98a2b3" isAnimationActive={false} onClick={pickDot} />
            <Scatter name="Pareto front" data={onFront} fill="#2f6fde" line={{ stroke: '#2f6fde', strokeWidth: 1.5 }} shape="diamond" isAnimationActive={false} onClick={pickDot} />
            {selected && byId.has(selected) && (
              <Scatter name="Chosen" data={dots([byId.get(selected)!])} fill="#e8590c" shape="star" isAnimationActive={false} />
            )}
          </ScatterChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}
