// A document opened from a file shows the results of its last run again: the newest run
// of that file in the history becomes the editor's run (node faces, outdated marks) and
// the run the Runs tab opens on.
import { useEffect } from 'react';
import type { RunRecord } from '../../shared/api/run.ts';
import { useApi } from '../api/useApi.ts';
import type { NodeRunView, RunView } from '../store/runView.ts';
import { withSweepStates } from '../store/sweepRunView.ts';
import { selectDocumentPath, selectLoadCount } from '../store/selectors.ts';
import { usePipelineStore, usePipelineStoreApi } from '../store/usePipelineStore.ts';

/** The editor's view of a finished run, from its record. */
export function runViewOfRecord(record: RunRecord): RunView {
  const nodes: Record<string, NodeRunView> = {};
  for (const [id, n] of Object.entries(record.nodes)) {
    const view: NodeRunView = { status: n.status === 'done' && n.warnings.length > 0 ? 'warning' : n.status, metrics: n.metrics };
    if (n.durationMs !== undefined) view.durationMs = n.durationMs;
    if (n.warnings.length > 0) view.warnings = n.warnings;
    if (n.error) view.error = n.error;
    if (n.skippedReason) view.skippedReason = n.skippedReason;
    if (n.reports.length > 0) view.reports = Object.fromEntries(n.reports.map((r) => [r.kind, r]));
    nodes[id] = view;
  }
  return { runId: record.id, status: record.status, nodes, ...(record.error ? { error: record.error } : {}) };
}

export function useRestoreLastRun(): void {
  const api = useApi();
  const store = usePipelineStoreApi();
  const documentPath = usePipelineStore(selectDocumentPath);
  const loadCount = usePipelineStore(selectLoadCount);
  useEffect(() => {
    if (!documentPath) return;
    let live = true;
    (async () => {
      const { runs } = await api.call('runs.list', { documentPath, limit: 1 });
      if (!runs[0] || !live) return;
      const { run } = await api.call('runs.get', { runId: runs[0].id });
      // A run started meanwhile, or another document loaded: theirs wins.
      const s = store.getState();
      if (!live || s.run || s.awaitingRun || s.documentPath !== documentPath) return;
      // A sweep ran its expansion: the canvas shows the swept source, its nodes folded from their clones.
      store.setState({ run: withSweepStates(runViewOfRecord(run)), runDocument: run.sweepSource ?? run.document });
    })().catch(() => {
      // No history to restore from (first start, unreadable record): the editor simply shows no results.
    });
    return () => { live = false; };
    // Each load of a document (loadCount) restores once; a save under a new path finds its run in the store.
  }, [api, store, loadCount, documentPath]);
}
