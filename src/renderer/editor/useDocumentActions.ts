// New / open / save / save as / export / import / examples. Every failure lands in the
// error dialog and leaves the open document as it was.
import { useMemo } from 'react';
import type { ApiClient } from '../../shared/api/client.ts';
import type { NodeKindSpec } from '../../shared/catalog/types.ts';
import type { PipelineDocument, Problem } from '../../shared/pipeline/document.ts';
import { emptyDocument, MAX_PIPELINE_BYTES } from '../../shared/pipeline/document-format.ts';
import { useApi } from '../api/useApi.ts';
import { useAppInfo } from '../app/useAppInfo.ts';
import type { PipelineStore } from '../store/createPipelineStore.ts';
import { usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { trustRequestFor } from '../files/trustRequest.ts';
import { downloadBlob } from '../app/download.ts';

function messageOf(err: unknown): { message: string; hint?: string } {
  if (err && typeof err === 'object' && 'message' in err) {
    const e = err as { message: string; hint?: string };
    return { message: e.message, hint: e.hint };
  }
  return { message: String(err) };
}

function confirmDiscard(store: PipelineStore): boolean {
  const s = store.getState();
  if (s.savedDoc === s.history.present) return true;
  return window.confirm('The open pipeline has unsaved changes. Discard them?');
}

export function fileNameFor(doc: PipelineDocument): string {
  const base = doc.name.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'pipeline';
  return `${base}.json`;
}


function describeProblems(problems: Problem[]): string {
  return problems.length === 1 ? problems[0].message : `${problems.length} problems prevent opening this pipeline.`;
}

/** Nodes of kinds this Whittle lacks, or of a newer kind version than it knows. */
function newerKindProblems(doc: PipelineDocument, kinds: Map<string, NodeKindSpec>): Problem[] {
  const problems: Problem[] = [];
  for (const n of doc.nodes) {
    const spec = kinds.get(n.kind);
    if (!spec) problems.push({ code: 'pipeline.unknown-kind', nodeId: n.id, message: `Node "${n.id}" is of kind "${n.kind}", which this version of Whittle does not know.` });
    else if (n.kindVersion !== undefined && n.kindVersion > spec.version) {
      problems.push({ code: 'pipeline.newer-kind', nodeId: n.id, message: `Node "${n.id}" was written for version ${n.kindVersion} of "${n.kind}"; this Whittle has version ${spec.version}.` });
    }
  }
  return problems;
}

function createActions(api: ApiClient, store: PipelineStore, nativeDialogs: boolean) {
  const fail = (title: string, err: unknown) => store.getState().showDialog({ title, ...messageOf(err) });
  const doc = () => store.getState().history.present;

  const loadParsed = (title: string, res: { document: PipelineDocument | null; problems: Problem[]; migratedFrom?: number }, path: string | null, dirty: boolean) => {
    if (!res.document) {
      store.getState().showDialog({ title, message: describeProblems(res.problems), problems: res.problems, hint: 'Your open pipeline was not changed.' });
      return false;
    }
    const newer = newerKindProblems(res.document, store.getState().kinds);
    if (newer.length > 0) {
      store.getState().showDialog({
        title,
        message: newer.length === 1 ? newer[0].message : `${newer.length} nodes use kinds this Whittle does not have.`,
        problems: newer,
        hint: 'The file was probably made with a newer Whittle: update Whittle to open it. Your open pipeline was not changed.',
      });
      return false;
    }
    const s = store.getState();
    const trust = trustRequestFor(res.document, path, s.catalog, s.allowedPaths, { dirty });
    if (trust) {
      s.setTrustRequest(trust);
      return true;
    }
    s.loadDocument(res.document, path, { dirty });
    if (res.migratedFrom !== undefined) store.getState().toast('info', `Upgraded from format version ${res.migratedFrom}; save to keep the new format.`);
    return true;
  };

  const saveTo = async (path: string | undefined): Promise<void> => {
    const s = store.getState();
    try {
      const res = await api.call('documents.saveAs', { document: doc(), path, fromPath: s.documentPath });
      if (res.canceled) return;
      store.getState().markSaved(doc(), res.path);
      store.getState().toast('success', `Saved ${res.path}`);
      await api.call('autosave.clear', {});
    } catch (err) {
      fail('Could not save the pipeline', err);
    }
  };

  return {
    newDocument() {
      if (confirmDiscard(store)) store.getState().loadDocument(emptyDocument(), null);
    },
    /** Electron: the native dialog. The browser host opens a path chosen in the file browser. */
    async open(path?: string) {
      if (!confirmDiscard(store)) return;
      if (!path && !nativeDialogs) return;
      try {
        const res = await api.call('documents.open', path ? { path } : {});
        if (res.canceled) return;
        loadParsed(`Could not open ${res.path}`, res, res.path, false);
      } catch (err) {
        fail('Could not open the pipeline', err);
      }
    },
    async save() {
      const s = store.getState();
      if (!s.documentPath || s.documentIsExample) {
        if (nativeDialogs) await saveTo(undefined);
        return 'needs-path' as const;
      }
      try {
        const res = await api.call('documents.save', { path: s.documentPath, document: doc(), fromPath: s.documentPath });
        store.getState().markSaved(doc(), res.path);
        store.getState().toast('success', `Saved ${res.path}`);
        await api.call('autosave.clear', {});
      } catch (err) {
        fail('Could not save the pipeline', err);
      }
      return 'done' as const;
    },
    saveTo,
    async exportJson() {
      try {
        // Portable: the copy's relative paths become absolute, so it runs from wherever it is saved.
        const { text } = await api.call('pipeline.serialize', { document: doc(), documentPath: store.getState().documentPath });
        downloadBlob(new Blob([text], { type: 'application/json' }), fileNameFor(doc()));
      } catch (err) {
        fail('Could not export the pipeline', err);
      }
    },
    /** Reads a chosen file; a file that is too big, not JSON or not a pipeline is refused. */
    async importFile(file: File) {
      if (file.size > MAX_PIPELINE_BYTES) {
        store.getState().showDialog({
          title: `Could not import ${file.name}`,
          message: `The file is ${(file.size / 1048576).toFixed(1)} MB; pipeline files are at most ${MAX_PIPELINE_BYTES / 1048576} MB.`,
          hint: 'Choose a Whittle pipeline (.json) file. Your open pipeline was not changed.',
        });
        return;
      }
      if (!confirmDiscard(store)) return;
      try {
        const text = await file.text();
        const res = await api.call('pipeline.parse', { text, documentPath: null });
        loadParsed(`Could not import ${file.name}`, res, null, true);
      } catch (err) {
        fail(`Could not import ${file.name}`, err);
      }
    },
    async openExample(id: string) {
      if (!confirmDiscard(store)) return false;
      try {
        const res = await api.call('examples.get', { id });
        store.getState().loadDocument(res.document, res.example.path, { example: true });
        return true;
      } catch (err) {
        fail('Could not open the example', err);
        return false;
      }
    },
  };
}

export type DocumentActions = ReturnType<typeof createActions>;

export function useDocumentActions(): DocumentActions {
  const api = useApi();
  const store = usePipelineStoreApi();
  const { nativeDialogs } = useAppInfo();
  return useMemo(() => createActions(api, store, nativeDialogs), [api, store, nativeDialogs]);
}
