// An .onnx file opened for viewing only, without building a pipeline: over the window, from
// the app bar's "Open model…", the desktop menu, a dropped file, or `whittle view` (the
// page address carries #view=<path>). The file is read through models.view (the guard).
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import type { ModelGraph, ModelInspection } from '../../../shared/api/models.ts';
import { formatBytes, formatCount } from '../../../shared/format.ts';
import { useApi } from '../../api/useApi.ts';
import { useAppInfo } from '../../app/useAppInfo.ts';
import { FileBrowserDialog } from '../../files/FileBrowserDialog.tsx';
import { modelFromAddress, onModelViewRequest } from './modelViewRequests.ts';

// The graph view (and its layout code) loads when a model is first opened, not with the editor.
const ModelGraphView = lazy(() => import('./ModelGraphView.tsx').then((m) => ({ default: m.ModelGraphView })));

type Viewing =
  | { state: 'choosing' }
  | { state: 'loading'; path: string }
  | { state: 'open'; path: string; graph: ModelGraph; inspection: ModelInspection }
  | { state: 'error'; path: string | null; message: string; hint?: string }
  | null;

export function ModelFileViewer() {
  const api = useApi();
  const info = useAppInfo();
  const [viewing, setViewing] = useState<Viewing>(null);

  const open = useCallback(async (path: string | null) => {
    if (path === null && !info.nativeDialogs) return setViewing({ state: 'choosing' });
    if (path !== null) setViewing({ state: 'loading', path });
    try {
      const res = await api.call('models.view', path === null ? {} : { path });
      if (res.canceled) return setViewing((v) => (v?.state === 'open' ? v : null));
      setViewing({ state: 'open', path: res.path, graph: res.graph, inspection: res.inspection });
    } catch (err) {
      setViewing({ state: 'error', path, message: err instanceof Error ? err.message : String(err), hint: (err as { hint?: string }).hint });
    }
  }, [api, info.nativeDialogs]);

  useEffect(() => onModelViewRequest((p) => void open(p)), [open]);
  useEffect(() => api.on('app.menu', ({ command }) => { if (command === 'openModel') void open(null); }), [api, open]);
  useEffect(() => {
    const fromAddress = modelFromAddress(window.location.hash);
    if (fromAddress) void open(fromAddress);
  }, [open]);
  useEffect(() => {
    if (!viewing || viewing.state === 'choosing') return;
    const onKey = (e: KeyboardEvent) => { if (e.key === 'Escape' && !(e.target as HTMLElement | null)?.closest('input')) setViewing(null); };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [viewing]);

  if (!viewing) return null;
  if (viewing.state === 'choosing') {
    return <FileBrowserDialog mode="open-file" extensions={['onnx']} title="Open a model for viewing" onCancel={() => setViewing(null)} onChoose={(p) => void open(p)} />;
  }
  const close = () => setViewing(null);
  const s = viewing.state === 'open' ? viewing.inspection : null;
  return (
    <div className="wh-modelfile" role="dialog" aria-label="Model viewer" data-testid="model-file-viewer">
      <div className="wh-modelfile__head">
        <h2 data-testid="model-file-path">{viewing.path ?? 'Model'}</h2>
        {s && <span className="wh-muted" data-testid="model-file-summary">{formatBytes(s.sizeBytes)} · {formatCount(s.parameters)} parameters · {formatCount(s.macs)} MACs · opset {s.opset} · {s.producer || 'unknown producer'}</span>}
        <button type="button" className="wh-btn wh-btn--small" onClick={() => void open(null)}>Open another…</button>
        <button type="button" className="wh-icon-btn" onClick={close} aria-label="Close the model viewer" data-testid="model-file-close">×</button>
      </div>
      {viewing.state === 'loading' && <p className="wh-muted">Reading {viewing.path}…</p>}
      {viewing.state === 'error' && (
        <div className="wh-error" role="alert" data-testid="model-file-error"><strong>{viewing.message}</strong>{viewing.hint && <div>{viewing.hint}</div>}</div>
      )}
      {viewing.state === 'open' && <Suspense fallback={<p className="wh-muted">Loading the graph view…</p>}><ModelGraphView key={viewing.path} graph={viewing.graph} stats={viewing.inspection} /></Suspense>}
    </div>
  );
}
