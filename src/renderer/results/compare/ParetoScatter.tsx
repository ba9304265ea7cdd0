// One scatter of a quality (accuracy) against a cost (size or latency): every point named
// on the chart, the Pareto-optimal models drawn as a named front (a line of diamonds) with
// a legend, the baseline ringed, axes fitted to the data; exportable as SVG and PNG.
import { useRef } from 'react';
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { fitDomain, paretoFront, type Point } from '../../../shared/results/pareto.ts';
import { downloadBlob, fileSlug, standaloneSvg, svgToPng } from './chartExport.ts';
import { PointLabels } from './PointLabels.tsx';

export interface ScatterPoint extends Point { label: string; short: string; baseline: boolean }

interface Props {
  title: string;
  xLabel: string;
  yLabel: string;
  points: ScatterPoint[];
  formatX(v: number): string;
  formatY(v: number): string;
  emptyHint: string;
  testId: string;
  /** File names of the exports start with this. */
  exportName: string;
}

// Literal colours: an exported SVG has no stylesheet to resolve CSS variables against.
const FRONT = '#2f6fde';
const OTHER = '#98a2b3';
const BASELINE_RING = '#b54708';

function ChartLegend({ hasOthers, hasBaseline }: { hasOthers: boolean; hasBaseline: boolean }) {
  const items = [
    { key: 'front', label: 'Pareto front (nothing cheaper is as accurate)', mark: <><line x1={0} y1={0} x2={16} y2={0} stroke={FRONT} strokeWidth={1.5} /><path d="M8 -5 L13 0 L8 5 L3 0 Z" fill={FRONT} /></> },
    ...(hasOthers ? [{ key: 'other', label: 'Other models', mark: <circle cx={8} cy={0} r={4} fill={OTHER} /> }] : []),
    ...(hasBaseline ? [{ key: 'base', label: 'Baseline', mark: <circle cx={8} cy={0} r={6} fill="none" stroke={BASELINE_RING} strokeWidth={2} /> }] : []),
  ];
  return (
    <g transform="translate(12, 34)" data-testid="chart-legend">
      {items.map((it, i) => (
        <g key={it.key} transform={`translate(${i === 0 ? 0 : 280 + (i - 1) * 110}, 0)`}>
          {it.mark}
          <text x={22} y={4} fontSize={11} fill="#344054">{it.label}</text>
        </g>
      ))}
    </g>
  );
}

function BaselineRing({ point }: { point: ScatterPoint | undefined }) {
  return point ? <Scatter data={[point]} fill="none" shape={(p: { cx?: number; cy?: number }) => <circle cx={p.cx} cy={p.cy} r={8} fill="none" stroke={BASELINE_RING} strokeWidth={2} />} isAnimationActive={false} legendType="none" /> : null;
}

export function ParetoScatter({ title, xLabel, yLabel, points, formatX, formatY, emptyHint, testId, exportName }: Props) {
  const ref = useRef<HTMLElement>(null);
  const front = paretoFront(points);
  const onFront = points.filter((p) => front.has(p.key)).sort((a, b) => a.x - b.x);
  const others = points.filter((p) => !front.has(p.key));
  const xDomain = fitDomain(points.map((p) => p.x), { min: 0 });
  // Accuracy differences of a few tenths of a point are what matters: no 0–100 % squash.
  const yDomain = fitDomain(points.map((p) => p.y), { min: 0, max: 1, minSpan: 0.01 });
  const save = async (kind: 'svg' | 'png') => {
    const svg = ref.current?.querySelector<SVGSVGElement>('svg.recharts-surface');
    if (!svg) return;
    const { text, width, height } = standaloneSvg(svg);
    const blob = kind === 'svg' ? new Blob([text], { type: 'image/svg+xml' }) : await svgToPng(text, width, height);
    downloadBlob(blob, `${fileSlug(exportName)}-${fileSlug(title)}.${kind}`);
  };
  return (
    <figure ref={ref} className="wh-compare__chart" data-testid={testId} data-points={points.length} data-front={onFront.map((p) => p.key).join(',')} data-y-domain={yDomain.join(',')}>
      <div className="wh-compare__chart-tools">
        <button type="button" className="wh-btn wh-btn--small" disabled={points.length === 0} onClick={() => void save('png')} data-testid={`${testId}-png`}>PNG</button>
        <button type="button" className="wh-btn wh-btn--small" disabled={points.length === 0} onClick={() => void save('svg')} data-testid={`${testId}-svg`}>SVG</button>
      </div>
      {points.length === 0 ? <><figcaption>{title}</figcaption><p className="wh-muted">{emptyHint}</p></> : (
        <ResponsiveContainer width="100%" height={340}>
          <ScatterChart margin={{ top: 52, right: 24, bottom: 30, left: 12 }}>
            <text x={12} y={18} fontSize={13} fontWeight={600} fill="#1d2330">{title}</text>
            <ChartLegend hasOthers={others.length > 0} hasBaseline={points.some((p) => p.baseline)} />
            <CartesianGrid strokeDasharray="3 3" stroke="#e4e7ec" />
            <XAxis type="number" dataKey="x" name={xLabel} tickFormatter={formatX} domain={xDomain} allowDataOverflow label={{ value: xLabel, position: 'insideBottom', offset: -18, fontSize: 12 }} tick={{ fontSize: 11 }} />
            <YAxis type="number" dataKey="y" name={yLabel} domain={yDomain} allowDataOverflow tickFormatter={formatY} width={70} label={{ value: yLabel, angle: -90, position: 'insideLeft', fontSize: 12 }} tick={{ fontSize: 11 }} />
            <Tooltip
              cursor={{ strokeDasharray: '3 3' }}
              content={({ payload }) => {
                const p = payload?.[0]?.payload as ScatterPoint | undefined;
                if (!p) return null;
                return (
                  <div className="wh-compare__tip">
                    <strong>{p.label}</strong>{front.has(p.key) ? ' · on the Pareto front' : ''}{p.baseline ? ' · baseline' : ''}
                    <div>{xLabel}: {formatX(p.x)}</div>
                    <div>{yLabel}: {formatY(p.y)}</div>
                  </div>
                );
              }}
            />
            <Scatter name="Other models" data={others} fill={OTHER} isAnimationActive={false} />
            <Scatter name="Pareto front" data={onFront} fill={FRONT} line={{ stroke: FRONT, strokeWidth: 1.5 }} shape="diamond" isAnimationActive={false} />
            <BaselineRing point={points.find((p) => p.baseline)} />
            <PointLabels points={points.map((p) => ({ key: p.key, x: p.x, y: p.y, short: p.short, emphasis: front.has(p.key) }))} />
          </ScatterChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}
