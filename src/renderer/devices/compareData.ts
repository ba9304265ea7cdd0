// Pure helpers for the comparison view: which stored profiles match a grouping, shared
// histogram bins across them, and the series for power/memory over time.
import type { StoredProfile } from '../../shared/devices/schema.ts';
import { formatBytes as formatSize } from '../../shared/format.ts';

export type CompareMode = 'models-on-board' | 'boards-for-model';

/** Latest profile per (board, model, runner, precision), newest first. */
export function latestProfiles(profiles: StoredProfile[]): StoredProfile[] {
  const seen = new Map<string, StoredProfile>();
  for (const p of profiles) {
    const r = p.result;
    seen.set(`${r.deviceId}|${r.modelSha256}|${r.runner}|${r.precision}`, p);
  }
  return [...seen.values()].reverse();
}

export function profilesFor(profiles: StoredProfile[], mode: CompareMode, key: string): StoredProfile[] {
  return latestProfiles(profiles).filter((p) => (mode === 'models-on-board' ? p.result.deviceId === key : p.result.modelSha256 === key));
}

/** How a profile is named in a chart: the thing that varies in this mode. */
export function seriesLabel(p: StoredProfile, mode: CompareMode): string {
  const r = p.result;
  const base = mode === 'models-on-board' ? r.modelLabel : r.deviceName;
  return `${base} · ${r.runner}${r.precision !== 'fp32' ? ` ${r.precision}` : ''}`;
}

export interface HistogramRow { binLabel: string; fromMs: number; [series: string]: number | string }

/**
 * Shared bins (over the pooled range) so bars of different profiles line up; each series
 * is a fraction of its own runs, so profiles with different run counts compare.
 */
export function sharedHistogram(series: { name: string; latenciesMs: number[] }[], bins = 24): HistogramRow[] {
  const all = series.flatMap((s) => s.latenciesMs);
  if (!all.length) return [];
  const sorted = [...all].sort((a, b) => a - b);
  // Bins span [min, min(pooled p99, 4 × pooled p90)]; slower runs land in the last bin,
  // labelled "≥", so a few outliers (GC, a busy board) do not squash every bar into one.
  const lo = sorted[0];
  const p90 = sorted[Math.floor((sorted.length - 1) * 0.9)];
  const hi = Math.min(sorted[Math.floor((sorted.length - 1) * 0.99)], Math.max(p90 * 4, lo * 1.5));
  const width = (hi - lo) / (bins - 1) || 1e-6;
  const rows: HistogramRow[] = Array.from({ length: bins }, (_, i) => ({
    binLabel: i === bins - 1 ? `≥${(lo + i * width).toPrecision(3)}` : (lo + (i + 0.5) * width).toPrecision(3),
    fromMs: lo + i * width,
  }));
  for (const s of series) {
    for (const row of rows) row[s.name] = 0;
    for (const v of s.latenciesMs) {
      const i = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
      rows[i][s.name] = (rows[i][s.name] as number) + 1 / s.latenciesMs.length;
    }
  }
  return rows;
}

export interface TimeRow { tS: number; [series: string]: number | undefined }

/** One field of the board samples over time (seconds), one column per profile. */
export function timeSeries(series: { name: string; samples: { tMs: number; [k: string]: number | undefined }[] }[], field: string, scale = 1): TimeRow[] {
  const rows: TimeRow[] = [];
  for (const s of series) {
    for (const sample of s.samples) {
      const v = sample[field];
      if (v === undefined) continue;
      rows.push({ tS: Math.round(sample.tMs / 100) / 10, [s.name]: v * scale });
    }
  }
  return rows.sort((a, b) => a.tS - b.tS);
}

/** How many readings a time chart holds and how far apart, so two points are not read as a trend. */
export function sampleNote(rows: TimeRow[]): string {
  if (rows.length === 0) return 'no readings';
  const spanS = rows[rows.length - 1].tS - rows[0].tS;
  if (rows.length < 3) return `only ${rows.length} reading${rows.length === 1 ? '' : 's'} (the run ended before the board was read again)`;
  return `${rows.length} readings over ${spanS.toFixed(1)} s`;
}

export function formatBytes(n: number | undefined): string {
  return n === undefined ? '—' : formatSize(n);
}

export function formatMs(n: number | undefined): string {
  if (n === undefined || Number.isNaN(n)) return '—';
  return n >= 100 ? n.toFixed(0) : n >= 1 ? n.toFixed(2) : n.toFixed(4);
}

export const SERIES_COLORS = ['#2f6fde', '#d9480f', '#1f8a4c', '#8b5cf6', '#0e7490', '#b7791f', '#c8322d', '#475467'];
