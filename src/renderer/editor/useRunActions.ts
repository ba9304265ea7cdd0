// Run, run to here (one node and its upstream) and cancel. The document run is validated
// first so every problem shows on its node.
import { useMemo } from 'react';
import type { ApiClient } from '../../shared/api/client.ts';
import { upstreamDocument } from '../../shared/editor/upstream.ts';
import type { PipelineDocument } from '../../shared/pipeline/document.ts';
import { useApi } from '../api/useApi.ts';
import type { PipelineStore } from '../store/createPipelineStore.ts';
import { usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { queueSetting } from '../workers/queueSetting.ts';

function createRunActions(api: ApiClient, store: PipelineStore) {
  const start = async (document: PipelineDocument) => {
    const s = store.getState();
    try {
      const check = await api.call('pipeline.validate', { document, documentPath: s.documentPath, allowedPaths: s.allowedPaths });
      store.getState().setProblems(check.problems);
      if (!check.ok) {
        store.getState().showDialog({
          title: 'The pipeline cannot run yet',
          message: check.problems.length === 1 ? check.problems[0].message : `${check.problems.length} problems need fixing first.`,
          problems: check.problems,
        });
        return;
      }
      store.getState().setAwaitingRun(true, document);
      const queue = queueSetting();
      const { runId } = await api.call('runs.start', { document, documentPath: s.documentPath, allowedPaths: s.allowedPaths, ...(queue ? { queue } : {}) });
      store.getState().startRun(runId, document.nodes.map((n) => n.id));
    } catch (err) {
      store.getState().setAwaitingRun(false);
      const e = err as { message?: string; hint?: string };
      store.getState().showDialog({ title: 'Could not start the run', message: e.message ?? String(err), hint: e.hint });
    }
  };
  return {
    async run() {
      const s = store.getState();
      if (s.history.present.nodes.length === 0) {
        s.toast('info', 'Add nodes to the pipeline before running it.');
        return;
      }
      await start(s.history.present);
    },
    /** Runs `nodeId` and what it depends on, nothing downstream or beside it. */
    async runTo(nodeId: string) {
      await start(upstreamDocument(store.getState().history.present, nodeId));
    },
    async cancel() {
      const run = store.getState().run;
      if (!run || run.status !== 'running') return;
      try {
        await api.call('runs.cancel', { runId: run.runId });
      } catch (err) {
        store.getState().toast('error', err instanceof Error ? err.message : String(err));
      }
    },
  };
}

export function useRunActions() {
  const api = useApi();
  const store = usePipelineStoreApi();
  return useMemo(() => createRunActions(api, store), [api, store]);
}
