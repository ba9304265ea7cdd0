// One scatter of a quality (accuracy) against a cost (size or latency), the Pareto-optimal
// models drawn larger, in the accent colour, and joined by a line.
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { paretoFront, type Point } from './compareData.ts';

export interface ScatterPoint extends Point { label: string }

interface Props {
  title: string;
  xLabel: string;
  yLabel: string;
  points: ScatterPoint[];
  formatX(v: number): string;
  emptyHint: string;
  testId: string;
}

export function ParetoScatter({ title, xLabel, yLabel, points, formatX, emptyHint, testId }: Props) {
  const front = paretoFront(points);
  const onFront = points.filter((p) => front.has(p.key)).sort((a, b) => a.x - b.x);
  const others = points.filter((p) => !front.has(p.key));
  return (
    <figure className="wh-compare__chart" data-testid={testId} data-points={points.length} data-front={onFront.map((p) => p.key).join(',')}>
      <figcaption>{title}</figcaption>
      {points.length === 0 ? <p className="wh-muted">{emptyHint}</p> : (
        <ResponsiveContainer width="100%" height={260}>
          <ScatterChart margin={{ top: 10, right: 20, bottom: 30, left: 10 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" dataKey="x" name={xLabel} tickFormatter={formatX} domain={['auto', 'auto']} label={{ value: xLabel, position: 'insideBottom', offset: -18 }} />
            <YAxis type="number" dataKey="y" name={yLabel} domain={[(min: number) => Math.max(0, Math.floor(min * 20 - 1) / 20), (max: number) => Math.min(1, Math.ceil(max * 20 + 1) / 20)]} tickFormatter={(v: number) => `${(v * 100).toFixed(1)}%`} label={{ value: yLabel, angle: -90, position: 'insideLeft' }} />
            <Tooltip
              cursor={{ strokeDasharray: '3 3' }}
              content={({ payload }) => {
                const p = payload?.[0]?.payload as ScatterPoint | undefined;
                if (!p) return null;
                return (
                  <div className="wh-compare__tip">
                    <strong>{p.label}</strong>{front.has(p.key) ? ' · Pareto-optimal' : ''}
                    <div>{xLabel}: {formatX(p.x)}</div>
                    <div>{yLabel}: {(p.y * 100).toFixed(2)}%</div>
                  </div>
                );
              }}
            />
            <Scatter name="Other models" data={others} fill="#98a2b3" isAnimationActive={false} />
            <Scatter name="Pareto front" data={onFront} fill="var(--accent, #2f6fde)" line={{ stroke: '#2f6fde', strokeWidth: 1.5 }} shape="diamond" isAnimationActive={false} />
          </ScatterChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}
