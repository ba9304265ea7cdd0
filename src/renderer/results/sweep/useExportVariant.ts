// Export one variant of a sweep run: run the source document with that variant's settings
// and an export of its model (exportDocument). Everything but the export comes from the
// cache; the files the export wrote are read from the finished run's record.
import { useCallback, useState } from 'react';
import type { RunRecord } from '../../../shared/api/run.ts';
import type { VariantOutcome } from '../../../shared/api/sweep-results.ts';
import { exportDocument } from '../../../shared/pipeline/sweep.ts';
import { useApi } from '../../api/useApi.ts';
import { usePipelineStore } from '../../store/usePipelineStore.ts';
import { selectAllowedPaths } from '../../store/selectors.ts';

export type ExportState =
  | { status: 'idle' }
  | { status: 'running'; variantId: string }
  | { status: 'done'; variantId: string; runId: string; files: string[] }
  | { status: 'failed'; variantId: string; message: string };

const POLL_MS = 400;

function exportedFiles(run: RunRecord): string[] {
  return Object.values(run.nodes).filter((n) => n.kind === 'export').flatMap((n) => (typeof n.metrics.exportedPath === 'string' ? [n.metrics.exportedPath] : []));
}

export function useExportVariant(run: RunRecord): { state: ExportState; exportVariant(v: VariantOutcome): Promise<void> } {
  const api = useApi();
  const allowedPaths = usePipelineStore(selectAllowedPaths);
  const [state, setState] = useState<ExportState>({ status: 'idle' });
  const exportVariant = useCallback(async (v: VariantOutcome) => {
    const plan = run.sweep?.variants.find((x) => x.id === v.id);
    if (!plan || !run.sweepSource || !v.model) {
      setState({ status: 'failed', variantId: v.id, message: `Variant ${v.id} has no model to export.` });
      return;
    }
    setState({ status: 'running', variantId: v.id });
    try {
      const slug = run.name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'model';
      const document = exportDocument(run.sweepSource, plan, v.model, `out/${slug}-${v.id}.onnx`);
      const { runId } = await api.call('runs.start', { document, documentPath: run.documentPath, ...(allowedPaths.length > 0 ? { allowedPaths: [...allowedPaths] } : {}) });
      let record = (await api.call('runs.get', { runId })).run;
      while (record.status === 'running') {
        await new Promise((r) => setTimeout(r, POLL_MS));
        record = (await api.call('runs.get', { runId })).run;
      }
      const failed = Object.values(record.nodes).find((n) => n.error);
      if (record.status !== 'done') setState({ status: 'failed', variantId: v.id, message: failed?.error?.message ?? `The export run ended ${record.status}.` });
      else setState({ status: 'done', variantId: v.id, runId, files: exportedFiles(record) });
    } catch (err) {
      setState({ status: 'failed', variantId: v.id, message: err instanceof Error ? err.message : String(err) });
    }
  }, [api, run, allowedPaths]);
  return { state, exportVariant };
}
