// Settings -> outcome as parallel coordinates: one axis per swept param (its values in
// order), then one per measured figure; each variant a line across them, coloured by the
// first figure (better is darker), the chosen variant drawn on top in orange.
import type { SweepDimension } from '../../../shared/pipeline/sweep.ts';
import { SWEEP_METRICS, type SweepMetric, type VariantOutcome } from '../../../shared/api/sweep-results.ts';

interface Props {
  dimensions: readonly SweepDimension[];
  metrics: readonly SweepMetric[];
  variants: readonly VariantOutcome[];
  selected: string | null;
  onSelect(id: string): void;
}

const WIDTH = 860;
const HEIGHT = 260;
const TOP = 28;
const BOTTOM = 24;
const SIDE = 60;

interface Axis { label: string; title: string; ticks: { at: number; text: string }[]; position(v: VariantOutcome): number | undefined }

/** y in [TOP, HEIGHT - BOTTOM] for a fraction t in [0, 1] (1 at the top). */
const yOf = (t: number) => TOP + (1 - t) * (HEIGHT - TOP - BOTTOM);

function dimensionAxis(d: SweepDimension): Axis {
  const key = `${d.nodeId}.${d.param}`;
  const at = (i: number) => (d.values.length === 1 ? 0.5 : i / (d.values.length - 1));
  return {
    // The param's own label: the node is named in the tooltip (axis labels must stay short).
    label: d.label.split(' · ').pop() ?? d.label,
    title: d.label,
    ticks: d.values.map((v, i) => ({ at: at(i), text: String(v) })),
    position: (v) => { const i = d.values.indexOf(v.settings[key]); return i < 0 ? undefined : at(i); },
  };
}

function metricAxis(m: SweepMetric, variants: readonly VariantOutcome[]): Axis {
  const values = variants.map((v) => v.metrics[m]).filter((x): x is number => x !== undefined);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  // Better up: higher-is-better figures rise, costs fall.
  const t = (x: number) => (SWEEP_METRICS[m].better === 'higher' ? (x - lo) / span : (hi - x) / span);
  const format = SWEEP_METRICS[m].format;
  // Figures that read the same (65.9 KB twice) get one tick.
  const ticks = values.length === 0 ? [] : (format(lo) === format(hi) ? [lo] : [lo, hi]).map((x) => ({ at: t(x), text: format(x) }));
  return { label: SWEEP_METRICS[m].label, title: `${SWEEP_METRICS[m].label}: better is up`, ticks, position: (v) => (v.metrics[m] === undefined ? undefined : t(v.metrics[m]!)) };
}

export function ParallelCoordinates({ dimensions, metrics, variants, selected, onSelect }: Props) {
  const axes = [...dimensions.map(dimensionAxis), ...metrics.map((m) => metricAxis(m, variants))];
  const xOf = (i: number) => SIDE + (axes.length === 1 ? 0 : (i * (WIDTH - 2 * SIDE)) / (axes.length - 1));
  const shade = metrics.length > 0 ? metricAxis(metrics[0], variants) : undefined;
  const ordered = [...variants].sort((a, b) => (a.id === selected ? 1 : b.id === selected ? -1 : 0));
  return (
    <figure className="wh-sweep-chart" data-testid="sweep-parallel" data-lines={variants.length}>
      <figcaption>Settings → outcome ({variants.length} variant{variants.length === 1 ? '' : 's'}; figures better upwards)</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="wh-sweep-parallel" height={HEIGHT} preserveAspectRatio="xMidYMid meet" role="img" aria-label="Parallel coordinates of sweep settings and outcomes">
        {ordered.map((v) => {
          const points = axes.map((a, i) => { const p = a.position(v); return p === undefined ? null : `${xOf(i)},${yOf(p)}`; }).filter(Boolean);
          const t = shade?.position(v);
          const colour = v.id === selected ? '#e8590c' : t === undefined ? '#c0c6cf' : `hsl(218, 70%, ${78 - t * 45}%)`;
          return (
            <polyline key={v.id} points={points.join(' ')} fill="none" stroke={colour} strokeWidth={v.id === selected ? 3 : 1.5} opacity={0.9} onClick={() => onSelect(v.id)} data-variant={v.id}>
              <title>{v.id}</title>
            </polyline>
          );
        })}
        {axes.map((a, i) => (
          <g key={a.label} transform={`translate(${xOf(i)},0)`}>
            <line y1={yOf(1)} y2={yOf(0)} stroke="#8a94a3" />
            <text y={14} textAnchor="middle" className="wh-sweep-parallel__label"><title>{a.title}</title>{a.label}</text>
            {a.ticks.map((tk) => <text key={tk.text} x={5} y={yOf(tk.at) + 4} className="wh-sweep-parallel__tick">{tk.text}</text>)}
          </g>
        ))}
      </svg>
    </figure>
  );
}
