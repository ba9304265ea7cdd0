// How numbers read in the UI: durations, byte sizes, metric values.
import { formatBytes } from '../../shared/format.ts';

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export { formatBytes };

/** A metric or table cell: integers grouped, fractions to 4 significant digits, bytes by name. */
export function formatValue(v: unknown, key = ''): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (/bytes$/i.test(key)) return formatBytes(v);
    if (/ms$/i.test(key) && !Number.isInteger(v)) return `${v.toFixed(2)} ms`;
    if (Number.isInteger(v)) return v.toLocaleString('en-US');
    return String(Number(v.toPrecision(4)));
  }
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) return v.map((x) => formatValue(x)).join(', ');
  return JSON.stringify(v);
}
