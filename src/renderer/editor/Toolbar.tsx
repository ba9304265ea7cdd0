// The editor's command bar: document name and dirty mark, file commands, edit commands,
// run / cancel. In the browser host, Open and Save As go through the workspace browser.
import { useRef } from 'react';
import { useReactFlow } from '@xyflow/react';
import { useAppInfo } from '../app/useAppInfo.ts';
import { FileBrowserDialog } from '../files/FileBrowserDialog.tsx';
import { usePipelineStore, usePipelineStoreApi } from '../store/usePipelineStore.ts';
import { selectCanRedo, selectCanUndo, selectDocumentName, selectDocumentPath, selectIsDirty, selectIsRunning, selectAwaitingRun } from '../store/selectors.ts';
import { duplicateSelection, deleteSelection } from './editCommands.ts';
import { obstaclesOf } from './canvasPlacement.ts';
import { AUTO_LAYOUT_SHORTCUT, useAutoLayout } from './useAutoLayout.ts';
import { fileNameFor, type DocumentActions } from './useDocumentActions.ts';
import { TextDraftInput } from '../inspector/TextDraftInput.tsx';
import { folderOf } from '../files/recentFolders.ts';
import type { PipelineState } from '../store/createPipelineStore.ts';

const selectIsExample = (s: PipelineState) => s.documentIsExample;

interface Props {
  docs: DocumentActions;
  onRun(): void;
  onCancel(): void;
  onExamples(): void;
  onHelp(): void;
  browse: 'open' | 'save' | null;
  setBrowse(b: 'open' | 'save' | null): void;
}

export function Toolbar({ docs, onRun, onCancel, onExamples, onHelp, browse, setBrowse }: Props) {
  const store = usePipelineStoreApi();
  const info = useAppInfo();
  const name = usePipelineStore(selectDocumentName);
  const path = usePipelineStore(selectDocumentPath);
  const dirty = usePipelineStore(selectIsDirty);
  const canUndo = usePipelineStore(selectCanUndo);
  const canRedo = usePipelineStore(selectCanRedo);
  const running = usePipelineStore(selectIsRunning);
  const starting = usePipelineStore(selectAwaitingRun);
  const importInput = useRef<HTMLInputElement>(null);
  const flow = useReactFlow();
  const autoLayout = useAutoLayout();
  // The pickers start in the document's folder; a bundled example's is read-only, so not there.
  const isExample = usePipelineStore(selectIsExample);
  const docFolder = path && !isExample ? folderOf(path) : null;

  const open = () => (info.nativeDialogs ? void docs.open() : setBrowse('open'));
  const saveAs = () => (info.nativeDialogs ? void docs.saveTo(undefined) : setBrowse('save'));
  const save = async () => {
    if ((await docs.save()) === 'needs-path' && !info.nativeDialogs) setBrowse('save');
  };
  const importFile = () => (info.nativeDialogs ? void docs.open() : importInput.current?.click());

  return (
    <div className="wh-toolbar" data-testid="toolbar">
      <div className="wh-toolbar__doc">
        <TextDraftInput value={name} onCommit={(n) => store.getState().commit([{ type: 'rename', name: n || 'Untitled pipeline' }])} testId="doc-name" inputProps={{ title: name, 'aria-label': 'Pipeline name' }} />
        <span className={`wh-dirty${dirty ? ' wh-dirty--on' : ''}`} data-testid="dirty-indicator" data-dirty={dirty} title={dirty ? 'Unsaved changes' : 'Saved'}>
          {dirty ? '● Unsaved' : 'Saved'}
        </span>
        {/* The marks keep a leading slash in place inside the right-to-left ellipsis box. */}
        {/* A bundled example is an untitled copy: its file is read-only, Save asks where to keep it. */}
        {path && isExample && <span className="wh-toolbar__path" title={`Bundled example ${path}: Save keeps a copy of your own`} data-testid="doc-path">Untitled copy of an example</span>}
        {path && !isExample && <span className="wh-toolbar__path" title={path} data-testid="doc-path">{`\u200E${path}\u200E`}</span>}
      </div>
      <div className="wh-toolbar__group">
        <button type="button" className="wh-btn" onClick={docs.newDocument} data-testid="btn-new">New</button>
        <button type="button" className="wh-btn" onClick={open} data-testid="btn-open" title="Ctrl+O">Open…</button>
        <button type="button" className="wh-btn" onClick={() => void save()} data-testid="btn-save" title="Ctrl+S">Save</button>
        <button type="button" className="wh-btn" onClick={saveAs} data-testid="btn-save-as" title="Ctrl+Shift+S">Save as…</button>
        <button type="button" className="wh-btn" onClick={() => void docs.exportJson()} data-testid="btn-export" title="Download the pipeline as JSON">Export</button>
        <button type="button" className="wh-btn" onClick={importFile} data-testid="btn-import" title="Load a pipeline JSON file">Import…</button>
        <button type="button" className="wh-btn" onClick={onExamples} data-testid="btn-examples">Examples</button>
        <input
          ref={importInput}
          type="file"
          accept=".json,application/json"
          hidden
          data-testid="import-input"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void docs.importFile(file);
          }}
        />
      </div>
      <div className="wh-toolbar__group">
        <button type="button" className="wh-btn" onClick={() => store.getState().undo()} disabled={!canUndo} data-testid="btn-undo" title="Ctrl+Z">Undo</button>
        <button type="button" className="wh-btn" onClick={() => store.getState().redo()} disabled={!canRedo} data-testid="btn-redo" title="Ctrl+Shift+Z">Redo</button>
        <button type="button" className="wh-btn" onClick={() => duplicateSelection(store, obstaclesOf(flow.getNodes()))} data-testid="btn-duplicate" title="Ctrl+D">Duplicate</button>
        <button type="button" className="wh-btn" onClick={() => deleteSelection(store)} data-testid="btn-delete" title="Delete">Delete</button>
        <button type="button" className="wh-btn" onClick={() => void autoLayout()} data-testid="btn-auto-layout" title={`Arrange the nodes in layers, left to right (${AUTO_LAYOUT_SHORTCUT})`}>Auto-layout</button>
        <button type="button" className="wh-btn wh-btn--ghost" onClick={onHelp} data-testid="btn-help" title="Keyboard shortcuts (?)">?</button>
      </div>
      <div className="wh-toolbar__group wh-toolbar__run">
        {running ? (
          <button type="button" className="wh-btn wh-btn--danger" onClick={onCancel} data-testid="btn-cancel">Cancel run</button>
        ) : (
          <button type="button" className="wh-btn wh-btn--primary" onClick={onRun} disabled={starting} data-testid="btn-run" title="Ctrl+Enter">
            {starting ? 'Starting…' : '▶ Run'}
          </button>
        )}
      </div>
      {browse === 'open' && (
        <FileBrowserDialog mode="open-file" extensions={['.json']} title="Open a pipeline" startDir={docFolder} onCancel={() => setBrowse(null)} onChoose={(p) => { setBrowse(null); void docs.open(p); }} />
      )}
      {browse === 'save' && (
        <FileBrowserDialog
          mode="save-file"
          extensions={['.json']}
          title="Save the pipeline as"
          startDir={docFolder}
          defaultName={fileNameFor(store.getState().history.present)}
          onCancel={() => setBrowse(null)}
          onChoose={(p) => { setBrowse(null); void docs.saveTo(p); }}
        />
      )}
    </div>
  );
}
