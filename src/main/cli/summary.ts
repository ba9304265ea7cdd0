// The run summary `whittle run` prints at the end: one line per node with its outcome
// (done, done with warnings, cached, failed, ...), the main warning of every amber node,
// and the files the run wrote. The run itself is "done" with a count of warned nodes.
import { nodeOutcome, type NodeRunRecord, type RunRecord } from '../../shared/api/run.ts';

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

export function runSummary(record: RunRecord): string {
  const width = Math.max(9, ...Object.values(record.nodes).map((n) => outcomeText(n).length));
  const lines = record.order.flatMap((id) => (record.nodes[id] ? nodeLine(id, record.nodes[id], width) : []));
  const warned = Object.values(record.nodes).filter((n) => nodeOutcome(n) === 'warning').length;
  const status = warned > 0 && record.status === 'done' ? `done with warnings on ${warned} node${warned > 1 ? 's' : ''}` : record.status;
  const artifacts = Object.values(record.nodes).flatMap((n) => Object.entries(n.metrics).filter(([k, v]) => k.endsWith('Path') && typeof v === 'string').map(([, v]) => `  wrote ${v}`));
  return [`Run ${record.id}: ${status} in ${record.durationMs ?? 0} ms`, ...lines, ...artifacts].join('\n');
}
