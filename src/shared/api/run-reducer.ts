// Run events folded into a run record: the engine's parent keeps history this way, and
// the editor can use the same function to show live node states.
import type { NodeRunRecord, RunEvent, RunRecord } from './run.ts';

export function emptyNodeRecord(nodeId: string, kind: string): NodeRunRecord {
  return { nodeId, kind, status: 'pending', metrics: {}, reports: [], warnings: [], outputs: {}, artifacts: [] };
}

/** The record after one event; returns a new object, never mutates `record`. */
export function applyRunEvent(record: RunRecord, event: RunEvent): RunRecord {
  if (event.type === 'run.started') return { ...record, status: 'running' };
  if (event.type === 'run.finished') {
    const finishedAt = new Date(event.atMs).toISOString();
    const next: RunRecord = { ...record, status: event.status, finishedAt, durationMs: event.atMs - Date.parse(record.startedAt) };
    if (event.error) next.error = event.error;
    return next;
  }
  const prev = record.nodes[event.nodeId];
  if (!prev) return record;
  const node: NodeRunRecord = { ...prev };
  switch (event.type) {
    case 'queued': node.status = 'queued'; break;
    case 'started': node.status = 'running'; node.startedAt = new Date(event.atMs).toISOString(); break;
    case 'progress': node.progress = { value: event.value, max: event.max, ...(event.message ? { message: event.message } : {}) }; break;
    case 'cached': node.status = 'cached'; node.metrics = event.metrics; node.warnings = event.warnings ?? []; node.durationMs = 0; break;
    case 'finished': {
      const warnings = event.warnings ?? [];
      node.status = warnings.length > 0 ? 'warning' : 'done';
      node.metrics = event.metrics; node.warnings = warnings; node.durationMs = event.durationMs;
      break;
    }
    case 'failed': node.status = 'failed'; node.error = event.error; break;
    case 'cancelled': node.status = 'cancelled'; break;
    case 'skipped': node.status = 'skipped'; node.skippedReason = event.reason; break;
    case 'report': node.reports = [...node.reports.filter((r) => r.kind !== event.report.kind), event.report]; break;
    case 'log': break;
  }
  return { ...record, nodes: { ...record.nodes, [event.nodeId]: node } };
}
