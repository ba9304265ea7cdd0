// Comparison of stored profiles: several models on one board, or one model on several
// boards. A shared-bin latency histogram, the figures table, and power / memory over time.
import { useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Device, StoredProfile } from '../../shared/devices/schema.ts';
import { RUNNER_LABELS } from '../../shared/devices/schema.ts';
import { profileSettings, runnerSettingsText } from './runnerSettings.ts';
import { formatBytes, formatMs, latestProfiles, profilesFor, sampleNote, seriesLabel, SERIES_COLORS, sharedHistogram, timeSeries, type CompareMode } from './compareData.ts';

export function ProfileCompare({ profiles, devices, selectedDeviceId, onDelete }: { profiles: StoredProfile[]; devices: Device[]; selectedDeviceId?: string; onDelete(id: string): void }) {
  const [mode, setMode] = useState<CompareMode>('models-on-board');
  const [boardKey, setBoardKey] = useState<string>('');
  const [modelKey, setModelKey] = useState<string>('');
  const latest = useMemo(() => latestProfiles(profiles), [profiles]);
  const boardsWith = [...new Map(latest.map((p) => [p.result.deviceId, p.result.deviceName])).entries()];
  const modelsWith = [...new Map(latest.map((p) => [p.result.modelSha256, p.result.modelLabel])).entries()];
  const board = boardKey || (selectedDeviceId && boardsWith.some(([id]) => id === selectedDeviceId) ? selectedDeviceId : boardsWith[0]?.[0]) || '';
  const model = modelKey || modelsWith[0]?.[0] || '';
  const shown = profilesFor(profiles, mode, mode === 'models-on-board' ? board : model);
  const series = shown.map((p) => ({ p, name: seriesLabel(p, mode) }));
  const histogram = sharedHistogram(series.filter((s) => s.p.result.latenciesMs?.length).map((s) => ({ name: s.name, latenciesMs: s.p.result.latenciesMs! })));
  const withSamples = series.map((s) => ({ name: s.name, samples: s.p.result.samples }));
  const power = timeSeries(withSamples, 'powerMw');
  const memory = timeSeries(withSamples, 'rssBytes', 1e-6);
  const boardName = (id: string) => devices.find((d) => d.id === id)?.name ?? boardsWith.find(([k]) => k === id)?.[1] ?? id;

  if (!latest.length) return <div className="wh-compare-empty wh-muted" data-testid="compare-view">No profiles yet. Profile a model on a board to compare here.</div>;
  return (
    <div className="wh-devcompare" data-testid="compare-view">
      <div className="wh-devcompare__bar">
        <h3>Compare</h3>
        <div className="wh-seg" role="radiogroup">
          <button type="button" className={`wh-btn wh-btn--small${mode === 'models-on-board' ? ' wh-btn--primary' : ''}`} onClick={() => setMode('models-on-board')} data-testid="compare-mode-models">Models on one board</button>
          <button type="button" className={`wh-btn wh-btn--small${mode === 'boards-for-model' ? ' wh-btn--primary' : ''}`} onClick={() => setMode('boards-for-model')} data-testid="compare-mode-boards">One model on several boards</button>
        </div>
        {mode === 'models-on-board' ? (
          <select className="wh-input" value={board} onChange={(e) => setBoardKey(e.target.value)} data-testid="compare-board">
            {boardsWith.map(([id]) => <option key={id} value={id}>{boardName(id)}</option>)}
          </select>
        ) : (
          <select className="wh-input" value={model} onChange={(e) => setModelKey(e.target.value)} data-testid="compare-model">
            {modelsWith.map(([sha, label]) => <option key={sha} value={sha}>{label} ({sha.slice(0, 8)})</option>)}
          </select>
        )}
      </div>
      <table className="wh-table wh-devcompare__table" data-testid="compare-table">
        <thead>
          <tr>
            <th>{mode === 'models-on-board' ? 'Model' : 'Board'}</th><th>Runner</th>
            <th className="wh-num">Mean ms</th><th className="wh-num">p50</th><th className="wh-num">p90</th><th className="wh-num">p95</th><th className="wh-num">p99</th>
            <th className="wh-num">Throughput /s</th><th className="wh-num">Peak memory</th><th className="wh-num">Power</th><th className="wh-num">Energy / inf.</th><th />
          </tr>
        </thead>
        <tbody>
          {series.map(({ p, name }, i) => {
            const r = p.result;
            return (
              <tr key={p.id} data-testid="compare-row">
                <td><span className="wh-swatch" style={{ background: SERIES_COLORS[i % SERIES_COLORS.length] }} />{name}</td>
                <td title={runnerSettingsText(profileSettings(r))}>
                  {RUNNER_LABELS[r.runner]} {r.runnerVersion}
                  <div className="wh-muted">{r.threads === undefined ? (r.runner === 'trtexec' ? 'GPU' : 'threads unknown') : r.threads === 0 ? 'all cores' : `${r.threads} thread${r.threads === 1 ? '' : 's'}`} · batch 1 · {r.warmupRuns}+{r.runs} runs</div>
                </td>
                <td className="wh-num">{formatMs(r.latencyMs.mean)}</td><td className="wh-num">{formatMs(r.latencyMs.p50)}</td>
                <td className="wh-num">{formatMs(r.latencyMs.p90)}</td><td className="wh-num">{formatMs(r.latencyMs.p95)}</td><td className="wh-num">{formatMs(r.latencyMs.p99)}</td>
                <td className="wh-num">{r.throughputPerSec.toFixed(1)}</td><td className="wh-num">{formatBytes(r.peakMemoryBytes)}</td>
                <td className="wh-num">{r.avgPowerMw !== undefined ? `${(r.avgPowerMw / 1000).toFixed(2)} W` : '—'}</td>
                <td className="wh-num">{r.energyPerInferenceMj !== undefined ? `${r.energyPerInferenceMj.toFixed(3)} mJ` : '—'}</td>
                <td><button type="button" className="wh-btn wh-btn--small wh-btn--ghost" onClick={() => onDelete(p.id)} title="Forget this profile">✕</button></td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="wh-devcompare__charts">
        <figure className="wh-chart" data-testid="latency-histogram">
          <figcaption>Latency distribution (share of runs per bin, ms)</figcaption>
          {histogram.length ? (
            <ResponsiveContainer width="100%" height={260}>
              <BarChart data={histogram} barGap={0} barCategoryGap={1}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="binLabel" tick={{ fontSize: 10 }} interval="preserveStartEnd" />
                <YAxis tickFormatter={(v: number) => `${Math.round(v * 100)}%`} tick={{ fontSize: 10 }} width={40} />
                <Tooltip formatter={(v) => `${(Number(v) * 100).toFixed(1)}%`} labelFormatter={(l) => `${l} ms`} />
                <Legend />
                {series.filter((s) => s.p.result.latenciesMs?.length).map((s, i) => <Bar key={s.p.id} dataKey={s.name} fill={SERIES_COLORS[i % SERIES_COLORS.length]} isAnimationActive={false} />)}
              </BarChart>
            </ResponsiveContainer>
          ) : <p className="wh-muted">These runners report percentiles only (see the table), not each run.</p>}
        </figure>
        {(power.length > 0 || memory.length > 0) && (
          <figure className="wh-chart" data-testid="time-chart">
            <figcaption>{power.length ? 'Board power over time (mW)' : 'Runner memory (RSS, MB) over time'} · {sampleNote(power.length ? power : memory)}</figcaption>
            <ResponsiveContainer width="100%" height={260}>
              <LineChart data={power.length ? power : memory}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="tS" type="number" unit=" s" tick={{ fontSize: 10 }} domain={['dataMin', 'dataMax']} />
                <YAxis tick={{ fontSize: 10 }} width={50} />
                <Tooltip />
                <Legend />
                {/* Samples are readings at their times, not a trend: steps with a dot per reading. */}
                {series.map((s, i) => <Line key={s.p.id} type="stepAfter" dataKey={s.name} stroke={SERIES_COLORS[i % SERIES_COLORS.length]} dot={{ r: 2.5 }} connectNulls isAnimationActive={false} />)}
              </LineChart>
            </ResponsiveContainer>
          </figure>
        )}
      </div>
      {series.some((s) => s.p.result.warnings.length) && (
        <ul className="wh-muted">{[...new Set(series.flatMap((s) => s.p.result.warnings))].map((w) => <li key={w}>{w}</li>)}</ul>
      )}
    </div>
  );
}
