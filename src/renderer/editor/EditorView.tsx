// The editor tab: toolbar, palette, canvas, inspector, and its dialogs.
import { useMemo, useState } from 'react';
import { Inspector } from '../inspector/Inspector.tsx';
import { ErrorDialogView } from './ErrorDialogView.tsx';
import { ExamplesGallery } from './ExamplesGallery.tsx';
import { HelpOverlay } from './HelpOverlay.tsx';
import { Palette } from './Palette.tsx';
import { PipelineCanvas } from './PipelineCanvas.tsx';
import { ProblemsBar } from './ProblemsBar.tsx';
import { Toasts } from './Toasts.tsx';
import { Toolbar } from './Toolbar.tsx';
import { useDocumentActions } from './useDocumentActions.ts';
import { useEditorShortcuts } from './useEditorShortcuts.ts';
import { useMenuCommands } from './useMenuCommands.ts';
import { useProblemRefresh } from './useProblemRefresh.ts';
import { useRunActions } from './useRunActions.ts';
import { useAppInfo } from '../app/useAppInfo.ts';
import { SidePanel } from './SidePanel.tsx';
import { INSPECTOR_SHORTCUT, PALETTE_SHORTCUT, usePanelLayout } from './usePanelLayout.ts';

export function EditorView({ active, onShowRuns }: { active: boolean; onShowRuns(): void }) {
  const docs = useDocumentActions();
  const runs = useRunActions();
  const info = useAppInfo();
  const [help, setHelp] = useState(false);
  const [examples, setExamples] = useState(false);
  const [browse, setBrowse] = useState<'open' | 'save' | null>(null);

  const handlers = useMemo(() => ({
    save: async () => { if ((await docs.save()) === 'needs-path' && !info.nativeDialogs) setBrowse('save'); },
    saveAs: () => (info.nativeDialogs ? void docs.saveTo(undefined) : setBrowse('save')),
    open: () => (info.nativeDialogs ? void docs.open() : setBrowse('open')),
    run: () => void runs.run(),
    toggleHelp: () => setHelp((h) => !h),
  }), [docs, runs, info.nativeDialogs]);
  useEditorShortcuts(active, handlers);
  const panels = usePanelLayout(active);
  useProblemRefresh();
  const menuHandlers = useMemo(() => ({
    newDocument: docs.newDocument,
    open: handlers.open,
    save: () => void handlers.save(),
    saveAs: handlers.saveAs,
    // The desktop app imports through its open dialog; the browser host uses the file input.
    importFile: () => (info.nativeDialogs ? void docs.open() : document.querySelector<HTMLInputElement>('[data-testid="import-input"]')?.click()),
    exportJson: () => void docs.exportJson(),
    run: () => void runs.run(),
    cancel: () => void runs.cancel(),
    examples: () => setExamples(true),
    showRuns: onShowRuns,
  }), [docs, runs, handlers, info.nativeDialogs, onShowRuns]);
  useMenuCommands(menuHandlers);

  return (
    <div className="wh-editor" data-testid="editor">
      <Toolbar
        docs={docs}
        onRun={() => void runs.run()}
        onCancel={() => void runs.cancel()}
        onExamples={() => setExamples(true)}
        onHelp={() => setHelp(true)}
        browse={browse}
        setBrowse={setBrowse}
      />
      <div className={`wh-editor__body${panels.palette ? '' : ' wh-editor__body--palette-closed'}${panels.inspector ? '' : ' wh-editor__body--inspector-closed'}`}>
        <SidePanel side="left" open={panels.palette} title="Nodes" shortcut={PALETTE_SHORTCUT} onToggle={panels.togglePalette} testId="palette-panel">
          <Palette />
        </SidePanel>
        <div className="wh-editor__center">
          <PipelineCanvas />
          <ProblemsBar />
          <Toasts />
        </div>
        <SidePanel side="right" open={panels.inspector} title="Inspector" shortcut={INSPECTOR_SHORTCUT} onToggle={panels.toggleInspector} testId="inspector-panel">
          <Inspector />
        </SidePanel>
      </div>
      {help && <HelpOverlay onClose={() => setHelp(false)} />}
      {examples && <ExamplesGallery onClose={() => setExamples(false)} onOpen={(id) => void docs.openExample(id).then((ok) => ok && setExamples(false))} />}
      <ErrorDialogView />
    </div>
  );
}
