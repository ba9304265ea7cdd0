// A `profile` node's result in the run view: the board's figures and the distribution of
// its timed runs, from the ProfileResult the node stored with the run.
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ProfileResult } from '../../shared/devices/schema.ts';
import { RUNNER_LABELS } from '../../shared/devices/schema.ts';
import type { ReportViewProps } from '../reports/registry.ts';
import { formatBytes, formatMs, sharedHistogram } from './compareData.ts';
import { profileSettings, runnerSettingsText } from './runnerSettings.ts';

export function ProfileReportView({ report }: ReportViewProps) {
  const parsed = ProfileResult.safeParse(report.data);
  if (!parsed.success) return <p className="wh-error">This profile report cannot be read.</p>;
  const r = parsed.data;
  const histogram = r.latenciesMs?.length ? sharedHistogram([{ name: 'runs', latenciesMs: r.latenciesMs }]) : [];
  const figures: [string, string][] = [
    ['Board', r.deviceName],
    ['Runner', `${RUNNER_LABELS[r.runner]} ${r.runnerVersion} · ${r.precision}${r.sparsity ? ' · 2:4 sparse' : ''}`],
    ['Settings', runnerSettingsText(profileSettings(r))],
    ['Latency (ms)', `mean ${formatMs(r.latencyMs.mean)} · p50 ${formatMs(r.latencyMs.p50)} · p90 ${formatMs(r.latencyMs.p90)} · p95 ${formatMs(r.latencyMs.p95)} · p99 ${formatMs(r.latencyMs.p99)}`],
    ['Throughput', `${r.throughputPerSec.toFixed(1)} inferences/s (${r.runs} runs after ${r.warmupRuns} warm-up)`],
    ['Peak memory', formatBytes(r.peakMemoryBytes)],
    ['Power', r.avgPowerMw !== undefined ? `${(r.avgPowerMw / 1000).toFixed(2)} W · ${r.energyPerInferenceMj?.toFixed(3)} mJ per inference` : 'not reported by this board'],
  ];
  return (
    <div data-testid="profile-report">
      <table className="wh-table"><tbody>{figures.map(([k, v]) => <tr key={k}><th>{k}</th><td>{v}</td></tr>)}</tbody></table>
      {histogram.length > 0 && (
        <ResponsiveContainer width="100%" height={200}>
          <BarChart data={histogram} barCategoryGap={1}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="binLabel" tick={{ fontSize: 10 }} />
            <YAxis tickFormatter={(v: number) => `${Math.round(v * 100)}%`} width={40} tick={{ fontSize: 10 }} />
            <Tooltip formatter={(v) => `${(Number(v) * 100).toFixed(1)}%`} labelFormatter={(l) => `${l} ms`} />
            <Bar dataKey="runs" fill="#0e7490" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      )}
      {r.warnings.map((w) => <p key={w} className="wh-muted">{w}</p>)}
    </div>
  );
}
