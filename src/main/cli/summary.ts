// The run summary `whittle run` prints at the end: one line per node with its outcome
// (done, done with warnings, cached, failed, ...), the main warning of every amber node,
// the files the run wrote, and a table of the models it produced (accuracy, size, MACs,
// latency, against the baseline) in the app's units — the same columns and deltas as the
// results view (src/shared/results).
import { nodeOutcome, type NodeRunRecord, type RunRecord } from '../../shared/api/run.ts';
import type { ModelValue } from '../../shared/catalog/types.ts';
import { formatBytes, formatCount, formatLatencyMs, formatPercent2 } from '../../shared/format.ts';
import { defaultBaseline, modelRows, type ModelRow } from '../../shared/results/rows.ts';
import { summaryDelta, type ModelFileStats, type StatsOf } from '../../shared/results/table.ts';
import { inspectModelFile } from '../api/calls/models.ts';

function outcomeText(n: NodeRunRecord): string {
  if (nodeOutcome(n) !== 'warning') return n.status;
  return n.status === 'cached' ? 'cached with warnings' : 'done with warnings';
}

function nodeLine(id: string, n: NodeRunRecord, width: number): string[] {
  const time = n.durationMs !== undefined ? ` ${n.durationMs} ms` : '';
  const extra = n.error ? ` — ${n.error.message}` : n.skippedReason ? ` — ${n.skippedReason}` : '';
  const lines = [`  ${id.padEnd(16)} ${outcomeText(n).padEnd(width)}${time}${extra}`];
  if (nodeOutcome(n) === 'warning') {
    lines.push(`  ${''.padEnd(16)} ⚠ ${n.warnings[0]}`);
    if (n.warnings.length > 1) lines.push(`  ${''.padEnd(16)}   (+${n.warnings.length - 1} more warning${n.warnings.length > 2 ? 's' : ''}; see --json or the results view)`);
  }
  return lines;
}

/** Statistics of each model file the run wrote (MACs, gzip size); a file that cannot be read is left out. */
export function modelFileStats(record: RunRecord): StatsOf {
  const byUid = new Map<string, ModelFileStats>();
  for (const row of modelRows(record)) {
    const value = record.nodes[row.nodeId]?.outputs[row.port] as ModelValue | undefined;
    try {
      if (value) byUid.set(row.uid, inspectModelFile(value));
    } catch {
      // A model the run wrote but that is gone or unreadable now: its MACs column says "—".
    }
  }
  return (r) => byUid.get(r.uid);
}

const VARIANT_MAX_CHARS = 56;

/**
 * A variant's label is its model, then its steps (" · "-separated); the last steps are what tell
 * sibling rows apart. A long one keeps the model and as many last steps as fit, dropping whole
 * steps in between ("model · … · int8"), and cuts characters only when even that is too long.
 */
export function shortVariant(label: string, maxChars = VARIANT_MAX_CHARS): string {
  if (label.length <= maxChars) return label;
  const [head, ...steps] = label.split(' · ');
  const tail: string[] = [];
  for (let i = steps.length - 1; i >= 0; i--) {
    if ([head, '…', steps[i], ...tail].join(' · ').length > maxChars) break;
    tail.unshift(steps[i]);
  }
  const joined = [head, '…', ...tail].join(' · ');
  if (tail.length > 0 && joined.length <= maxChars) return joined;
  const keep = maxChars - 1;
  return `${label.slice(0, Math.ceil(keep / 2))}…${label.slice(label.length - Math.floor(keep / 2))}`;
}

/** One line per model: variant, accuracy (or mAP), size, MACs, latency, and the difference from the baseline. */
export function modelTable(record: RunRecord, statsOf: StatsOf): string[] {
  const rows = modelRows(record);
  if (rows.length === 0) return [];
  const baseline = defaultBaseline(rows);
  const useMap = !rows.some((r) => r.accuracy !== undefined) && rows.some((r) => r.mapValue !== undefined);
  const onBoard = rows.some((r) => r.boardLatencyMs !== undefined);
  const cut = shortVariant;
  const quality = (r: ModelRow) => (useMap ? r.mapValue : r.accuracy);
  const latency = (r: ModelRow) => (onBoard ? r.boardLatencyMs : r.latencyMs);
  const header = ['Variant', useMap ? 'mAP 50–95' : 'Top-1', 'Size', 'MACs', onBoard ? 'Latency p50 (board)' : 'Latency p50 (host)', 'vs baseline'];
  const cells = rows.map((r) => {
    const q = quality(r);
    const macs = statsOf(r)?.macs;
    const ms = latency(r);
    return [cut(r.label), q === undefined ? '—' : formatPercent2(q), formatBytes(r.sizeBytes), macs === undefined ? '—' : formatCount(macs), ms === undefined ? '—' : formatLatencyMs(ms), summaryDelta(r, baseline, statsOf)];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  // Text left, numbers right, as a table reads.
  const line = (c: string[]) => `  ${c.map((v, i) => (i === 0 || i === c.length - 1 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ')}`.trimEnd();
  return [`Models (baseline: ${baseline ? `${baseline.label}, node ${baseline.nodeId}` : 'none'})`, line(header), ...cells.map(line)];
}

export function runSummary(record: RunRecord, statsOf: StatsOf = modelFileStats(record)): string {
  const width = Math.max(9, ...Object.values(record.nodes).map((n) => outcomeText(n).length));
  const lines = record.order.flatMap((id) => (record.nodes[id] ? nodeLine(id, record.nodes[id], width) : []));
  const warned = Object.values(record.nodes).filter((n) => nodeOutcome(n) === 'warning').length;
  const status = warned > 0 && record.status === 'done' ? `done with warnings on ${warned} node${warned > 1 ? 's' : ''}` : record.status;
  const artifacts = Object.values(record.nodes).flatMap((n) => Object.entries(n.metrics).filter(([k, v]) => k.endsWith('Path') && typeof v === 'string').map(([, v]) => `  wrote ${v}`));
  const table = modelTable(record, statsOf);
  return [`Run ${record.id}: ${status} in ${record.durationMs ?? 0} ms`, ...lines, ...artifacts, ...(table.length > 0 ? ['', ...table] : [])].join('\n');
}
