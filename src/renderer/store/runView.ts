// What the editor shows of the current run: per-node state folded from run events.
import type { ErrorData } from '../../shared/errors.ts';
import type { NodeStatus, RunEvent, RunStatus } from '../../shared/api/run.ts';

export interface NodeRunView {
  status: NodeStatus;
  progress?: { value: number; max: number; message?: string };
  error?: ErrorData;
  metrics?: Record<string, number | string | boolean>;
  durationMs?: number;
  skippedReason?: string;
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
    case 'cached': return setNode(run, ev.nodeId, { status: 'cached', metrics: ev.metrics });
    case 'finished': return setNode(run, ev.nodeId, { status: 'done', metrics: ev.metrics, durationMs: ev.durationMs });
    case 'failed': return setNode(run, ev.nodeId, { ...prev, status: 'failed', error: ev.error });
    case 'cancelled': return setNode(run, ev.nodeId, { ...prev, status: 'cancelled' });
    case 'skipped': return setNode(run, ev.nodeId, { status: 'skipped', skippedReason: ev.reason });
    case 'report':
    case 'log':
      return run;
  }
}
