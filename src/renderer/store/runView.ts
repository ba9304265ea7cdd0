// What the editor shows of the current run: per-node state folded from run events, plus
// the latest report of each kind (a training curve grows one epoch per report event).
import type { ErrorData } from '../../shared/errors.ts';
import type { NodeStatus, Report, RunEvent, RunRecord, RunStatus } from '../../shared/api/run.ts';

export interface NodeRunView {
  status: NodeStatus;
  progress?: { value: number; max: number; message?: string };
  error?: ErrorData;
  metrics?: Record<string, number | string | boolean>;
  durationMs?: number;
  skippedReason?: string;
  /** Why a finished or cached node is amber (done with warnings), the main one first. */
  warnings?: string[];
  /** The latest report of each kind, by kind (e.g. 'train.curve' after every epoch). */
  reports?: Record<string, Report>;
}

export interface RunView {
  runId: string;
  status: RunStatus;
  nodes: Record<string, NodeRunView>;
  error?: ErrorData;
}

function setNode(run: RunView, nodeId: string, view: NodeRunView): RunView {
  return { ...run, nodes: { ...run.nodes, [nodeId]: view } };
}

/** A node's reports carried into its next state (a finished node keeps its curve). */
function keepReports(prev: NodeRunView): Pick<NodeRunView, 'reports'> {
  return prev.reports ? { reports: prev.reports } : {};
}

function warningsOf(warnings: string[] | undefined): Pick<NodeRunView, 'warnings'> {
  return warnings && warnings.length > 0 ? { warnings } : {};
}

/** Folds one event into the run view; events of another run are ignored. */
export function applyRunEvent(run: RunView | null, ev: RunEvent): RunView | null {
  if (ev.type === 'run.started') {
    if (run && run.runId !== ev.runId) return run;
    const nodes: Record<string, NodeRunView> = {};
    for (const id of ev.nodeIds) nodes[id] = run?.nodes[id] ?? { status: 'pending' };
    return { runId: ev.runId, status: 'running', nodes };
  }
  if (!run || run.runId !== ev.runId) return run;
  if (ev.type === 'run.finished') return { ...run, status: ev.status, error: ev.error };
  const prev = run.nodes[ev.nodeId] ?? { status: 'pending' };
  switch (ev.type) {
    case 'queued': return setNode(run, ev.nodeId, { status: 'queued' });
    case 'started': return setNode(run, ev.nodeId, { status: 'running' });
    case 'progress': return setNode(run, ev.nodeId, { ...prev, status: 'running', progress: { value: ev.value, max: ev.max, message: ev.message } });
    case 'cached': return setNode(run, ev.nodeId, { status: 'cached', metrics: ev.metrics, ...warningsOf(ev.warnings), ...keepReports(prev) });
    case 'finished': {
      const status = ev.warnings?.length ? 'warning' : 'done';
      return setNode(run, ev.nodeId, { status, metrics: ev.metrics, durationMs: ev.durationMs, ...warningsOf(ev.warnings), ...keepReports(prev) });
    }
    case 'failed': return setNode(run, ev.nodeId, { ...prev, status: 'failed', error: ev.error });
    case 'cancelled': return setNode(run, ev.nodeId, { ...prev, status: 'cancelled' });
    case 'skipped': return setNode(run, ev.nodeId, { status: 'skipped', skippedReason: ev.reason });
    case 'report': return setNode(run, ev.nodeId, { ...prev, reports: { ...prev.reports, [ev.report.kind]: ev.report } });
    case 'log': return run;
  }
}

/**
 * Adds the reports of the run's record (`runs.get`) to nodes that lack them: a cached node
 * streams no report events, its reports are only in the record. Reports that arrived live
 * win (they are never older). Returns `run` itself when nothing changes.
 */
export function mergeRunRecordReports(run: RunView | null, record: RunRecord): RunView | null {
  if (!run || run.runId !== record.id) return run;
  let nodes: Record<string, NodeRunView> | null = null;
  for (const [nodeId, view] of Object.entries(run.nodes)) {
    const recorded = record.nodes[nodeId]?.reports ?? [];
    const missing = recorded.filter((r) => !view.reports?.[r.kind]);
    if (missing.length === 0) continue;
    nodes ??= { ...run.nodes };
    nodes[nodeId] = { ...view, reports: { ...Object.fromEntries(missing.map((r) => [r.kind, r])), ...view.reports } };
  }
  return nodes ? { ...run, nodes } : run;
}
