// The `benchmark.latency` report: a histogram of the timed runs with mean/p50/p90/p99 beside it.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ReportViewProps } from '../registry.ts';
import { hostSettings, runnerSettingsText } from '../../devices/runnerSettings.ts';

interface LatencyData {
  histogram: { fromMs: number; toMs: number; count: number }[];
  summary: { meanMs: number; p50Ms: number; p90Ms: number; p99Ms: number; minMs: number; maxMs: number };
  memoryNote?: string;
}

export function LatencyReportView({ report, run, nodeId }: ReportViewProps) {
  const data = report.data as LatencyData;
  const bins = data.histogram.map((b) => ({ label: `${b.fromMs.toFixed(3)}–${b.toMs.toFixed(3)}`, midMs: (b.fromMs + b.toMs) / 2, count: b.count }));
  const s = data.summary;
  return (
    <div data-testid="latency-report">
      <table className="wh-table wh-table--kv">
        <tbody>
          <tr><th>settings</th><td data-testid="latency-settings">{runnerSettingsText(hostSettings(run.nodes[nodeId]?.params, run.versions.onnxruntime))}</td></tr>
          {(['minMs', 'meanMs', 'p50Ms', 'p90Ms', 'p99Ms', 'maxMs'] as const).map((k) => (
            <tr key={k}><th>{k.replace('Ms', '')}</th><td className="wh-num">{s[k].toFixed(3)} ms</td></tr>
          ))}
        </tbody>
      </table>
      <ResponsiveContainer width="100%" height={200}>
        <BarChart data={bins} margin={{ top: 8, right: 16, bottom: 24, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="midMs" tickFormatter={(v: number) => v.toFixed(2)} label={{ value: 'latency (ms)', position: 'insideBottom', offset: -12 }} />
          <YAxis allowDecimals={false} />
          <Tooltip labelFormatter={(_v, payload) => `${String((payload?.[0]?.payload as { label?: string } | undefined)?.label ?? '')} ms`} />
          <Bar dataKey="count" name="runs" fill="#1f8a4c" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      {data.memoryNote && <p className="wh-muted">{data.memoryNote}</p>}
    </div>
  );
}
