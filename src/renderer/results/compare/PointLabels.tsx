// Names on the chart's points, always visible: short labels placed around their points so
// they neither overlap each other nor the points (placeLabels), inside the plot area.
import { usePlotArea, useXAxisScale, useYAxisScale } from 'recharts';
import { placeLabels } from '../../../shared/results/pareto.ts';

export interface LabelledPoint { key: string; x: number; y: number; short: string; emphasis: boolean }

const FONT_PX = 11;
const LABEL_FONT = 'system-ui, -apple-system, "Segoe UI", sans-serif';
let measureCtx: CanvasRenderingContext2D | null | undefined;

function textWidthPx(text: string, bold: boolean): number {
  if (measureCtx === undefined) measureCtx = document.createElement('canvas').getContext('2d');
  // A margin on top of the measure: the SVG's font may fall back to a wider face.
  if (!measureCtx) return text.length * FONT_PX * 0.62 + 4;
  measureCtx.font = `${bold ? 600 : 400} ${FONT_PX}px ${LABEL_FONT}`;
  return measureCtx.measureText(text).width * 1.08 + 4;
}

export function PointLabels({ points }: { points: LabelledPoint[] }) {
  const xScale = useXAxisScale();
  const yScale = useYAxisScale();
  const area = usePlotArea();
  if (!xScale || !yScale || !area) return null;
  const boxes = points.map((p) => ({
    x: xScale(p.x) ?? 0, y: yScale(p.y) ?? 0, width: textWidthPx(p.short, p.emphasis), height: FONT_PX + 2,
  }));
  const places = placeLabels(boxes, { x: area.x, y: area.y, width: area.width, height: area.height });
  return (
    <g className="wh-compare__point-labels">
      {points.map((p, i) => (
        <text
          key={p.key}
          x={places[i].x}
          y={places[i].y}
          textAnchor={places[i].anchor}
          fontSize={FONT_PX}
          fontFamily={LABEL_FONT}
          fontWeight={p.emphasis ? 600 : 400}
          fill={p.emphasis ? '#1d3f8a' : '#475467'}
          stroke="#ffffff"
          strokeWidth={3}
          paintOrder="stroke"
          data-point-label={p.key}
        >
          {p.short}
        </text>
      ))}
    </g>
  );
}
