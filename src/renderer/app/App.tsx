// The window: a tab bar hosting the editor, runs & results, and devices. Tabs stay
// mounted so switching keeps the canvas view and half-typed fields. The runs and devices
// tabs (and their charts) load on first use: the editor's first paint does not wait for them.
import { lazy, Suspense, useCallback, useState } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { EditorView } from '../editor/EditorView.tsx';
import { RecoveryBanner, type AutosaveEntry } from '../editor/RecoveryBanner.tsx';
import { useAutosave } from '../editor/useAutosave.ts';
import { usePipelineStore, usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { selectIsRunning, selectView } from '../store/selectors.ts';
import type { AppView } from '../store/createPipelineStore.ts';
import { ConnectionLostBanner } from './ConnectionLostBanner.tsx';
import { OutsideFilesPrompt } from '../files/OutsideFilesPrompt.tsx';
import { WindowFileDrop } from '../files/WindowFileDrop.tsx';
import { ModelFileViewer } from '../results/model-view/ModelFileViewer.tsx';
import { requestModelView } from '../results/model-view/modelViewRequests.ts';
import { useAppInfo } from './useAppInfo.ts';
import { useLeaveWarning } from './useLeaveWarning.ts';
import { useRunEvents } from './useRunEvents.ts';
import { useRestoreLastRun } from '../runs/useRestoreLastRun.ts';

const RunsView = lazy(() => import('../runs/RunsView.tsx').then((m) => ({ default: m.RunsView })));
const DevicesPanel = lazy(() => import('../devices/DevicesPanel.tsx').then((m) => ({ default: m.DevicesPanel })));
const LOADING = <p className="wh-muted" data-testid="tab-loading">Loading…</p>;

const TABS: { id: AppView; label: string }[] = [
  { id: 'editor', label: 'Editor' },
  { id: 'runs', label: 'Runs & results' },
  { id: 'devices', label: 'Devices' },
];

export function App({ recovery }: { recovery: AutosaveEntry | null }) {
  const info = useAppInfo();
  const store = usePipelineStoreApi();
  const tab = usePipelineStore(selectView);
  const setTab = useCallback((view: AppView) => store.getState().showView(view), [store]);
  const [pendingRecovery, setPendingRecovery] = useState(recovery);
  const running = usePipelineStore(selectIsRunning);
  const showRuns = useCallback(() => setTab('runs'), [setTab]);
  useRunEvents();
  useRestoreLastRun();
  useAutosave(pendingRecovery === null);
  useLeaveWarning(info.door === 'browser');

  return (
    <div className="wh-app">
      <header className="wh-appbar">
        <div className="wh-brand">Whittle</div>
        <nav className="wh-tabs" role="tablist">
          {TABS.map((t) => (
            <button key={t.id} type="button" role="tab" aria-selected={tab === t.id} className={`wh-tab${tab === t.id ? ' wh-tab--active' : ''}`} onClick={() => setTab(t.id)} data-testid={`tab-${t.id}`}>
              {t.label}
              {t.id === 'runs' && running && <span className="wh-tab__live" title="A run is in progress" />}
            </button>
          ))}
        </nav>
        <button type="button" className="wh-btn wh-btn--small" onClick={() => requestModelView(null)} title="View any .onnx file's graph without building a pipeline (or drop one on the window outside the editor)" data-testid="open-model">Open model…</button>
        <div className="wh-appbar__info wh-muted">
          {info.door === 'browser' ? 'Browser host' : 'Desktop'} · v{info.whittleVersion} · ONNX Runtime {info.onnxruntimeVersion}
        </div>
      </header>
      <ConnectionLostBanner />
      <OutsideFilesPrompt />
      <WindowFileDrop />
      <ModelFileViewer />
      {pendingRecovery && <RecoveryBanner entry={pendingRecovery} onDone={() => setPendingRecovery(null)} />}
      <main className="wh-main">
        <section className="wh-tabpanel" hidden={tab !== 'editor'}>
          <ReactFlowProvider>
            <EditorView active={tab === 'editor'} onShowRuns={showRuns} />
          </ReactFlowProvider>
        </section>
        <section className="wh-tabpanel" hidden={tab !== 'runs'}>
          {tab === 'runs' && <Suspense fallback={LOADING}><RunsView /></Suspense>}
        </section>
        <section className="wh-tabpanel wh-tabpanel--scroll" hidden={tab !== 'devices'}>
          {tab === 'devices' && <Suspense fallback={LOADING}><DevicesPanel /></Suspense>}
        </section>
      </main>
    </div>
  );
}
