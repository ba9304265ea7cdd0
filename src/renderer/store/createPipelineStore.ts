// The factory for one editor's store: the document with its undo history, selection,
// catalog, toasts and the live run. Edits go through `commit` (one undo step each).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { NodeKindSpec } from '../../shared/catalog/types.ts';
import type { RunEvent, RunRecord } from '../../shared/api/run.ts';
import type { PipelineDocument, Problem } from '../../shared/pipeline/document.ts';
import { emptyDocument } from '../../shared/pipeline/document-format.ts';
import type { PipelineChange } from '../../shared/editor/changes.ts';
import { applyTransient, checkpoint, commit, createHistory, redo, undo, type History } from '../../shared/editor/history.ts';
import { autoLayout } from '../../shared/editor/layout.ts';
import type { XY } from '../../shared/editor/types.ts';
import { applyRunEvent, mergeRunRecordReports, type RunView } from './runView.ts';
import { withSweepStates } from './sweepRunView.ts';
import type { TrustRequest } from '../files/trustRequest.ts';
import { estimatedNodeHeightPx } from '../editor/nodeEstimate.ts';

export interface Toast {
  id: number;
  tone: 'error' | 'info' | 'success';
  message: string;
  hint?: string;
  /** A button on the toast (e.g. Undo of the edit it reports). */
  action?: ToastAction;
}

export interface ToastAction {
  label: string;
  run(): void;
}

/** A blocking message: a file that could not be opened, a pipeline that does not validate. */
export interface ErrorDialog {
  title: string;
  message: string;
  hint?: string;
  problems?: Problem[];
}

export interface PipelineState {
  catalog: NodeKindSpec[];
  kinds: Map<string, NodeKindSpec>;
  history: History<PipelineDocument>;
  /** The document as last saved or opened; the editor is dirty when `present` differs. */
  savedDoc: PipelineDocument | null;
  documentPath: string | null;
  selectedNodes: string[];
  selectedEdges: string[];
  /** The document when the current drag began (null when no drag is going on). */
  dragStart: PipelineDocument | null;
  toasts: Toast[];
  run: RunView | null;
  /** Absolute paths the user chose in a picker this session (allowed outside the folder). */
  allowedPaths: string[];
  /** A bundled example: Save goes to Save As so the example itself is never overwritten. */
  documentIsExample: boolean;
  dialog: ErrorDialog | null;
  /** Problems of the last validation, shown on their nodes. */
  problems: Problem[];
  /** True between asking for a run and its run.started event. */
  awaitingRun: boolean;
  /** The document the current run was started with: results of nodes edited since are outdated. */
  runDocument: PipelineDocument | null;
  /** The document of the run being asked for, until its run view exists. */
  pendingRunDocument: PipelineDocument | null;
  /** Bumped on every load so the canvas re-fits the view. */
  loadCount: number;

  setCatalog(kinds: NodeKindSpec[]): void;
  loadDocument(doc: PipelineDocument, path: string | null, opts?: { dirty?: boolean; example?: boolean }): void;
  showDialog(dialog: ErrorDialog | null): void;
  setProblems(problems: Problem[]): void;
  /** `document`: what is about to run (kept to tell outdated results apart). */
  setAwaitingRun(awaiting: boolean, document?: PipelineDocument): void;
  markSaved(doc: PipelineDocument, path: string | null): void;
  commit(changes: PipelineChange[], select?: string[]): void;
  undo(): void;
  redo(): void;
  beginDrag(): void;
  dragTo(positions: Record<string, XY>): void;
  /** Any edit during a gesture (a group moving its nodes, a resize); endDrag makes it one step. */
  gestureTo(changes: PipelineChange[]): void;
  endDrag(): void;
  select(nodes: string[], edges?: string[]): void;
  toast(tone: Toast['tone'], message: string, hint?: string, action?: ToastAction): void;
  dismissToast(id: number): void;
  startRun(runId: string, nodeIds: string[]): void;
  applyRunEvent(ev: RunEvent): void;
  /** Reports from the run's record that no event brought (a cached node's curve). */
  mergeRunRecord(record: RunRecord): void;
  allowPath(path: string): void;
  /** A document waiting for the user to allow the files it reads outside its folder. */
  trustRequest: TrustRequest | null;
  setTrustRequest(request: TrustRequest | null): void;
  /** Which tab the window shows. */
  view: AppView;
  /** The node whose results the Runs & results tab should open on. */
  resultsFocus: { runId: string; nodeId: string } | null;
  showView(view: AppView): void;
  showResults(runId: string, nodeId: string): void;
}

export type AppView = 'editor' | 'runs' | 'devices';

export type PipelineStore = StoreApi<PipelineState>;
type SetState = StoreApi<PipelineState>['setState'];
type GetState = StoreApi<PipelineState>['getState'];

let toastSeq = 0;

/** Room for a node in auto-layout: its estimated size and a gap. */
function nodeHeightPx(spec: NodeKindSpec | undefined): number {
  return estimatedNodeHeightPx(spec) + 30;
}

/** Selection without ids that no longer exist (after undo, redo, delete). */
function keepExisting(doc: PipelineDocument, ids: string[]): string[] {
  const present = new Set([...doc.nodes, ...(doc.groups ?? []), ...(doc.notes ?? [])].map((n) => n.id));
  return ids.filter((id) => present.has(id));
}

/** The document, its history and drags. */
function documentSlice(set: SetState, get: GetState, initial: PipelineDocument) {
  const moveTo = (history: History<PipelineDocument>) => set({ history, selectedNodes: keepExisting(history.present, get().selectedNodes) });
  return {
    history: createHistory(initial),
    savedDoc: initial as PipelineDocument | null,
    documentPath: null as string | null,
    documentIsExample: false,
    dragStart: null as PipelineDocument | null,
    loadCount: 0,
    loadDocument: (doc: PipelineDocument, path: string | null, opts?: { dirty?: boolean; example?: boolean }) => {
      const laid = autoLayout(doc, (n) => nodeHeightPx(get().kinds.get(n.kind)));
      set({
        history: createHistory(laid), savedDoc: opts?.dirty ? null : laid, documentPath: path, documentIsExample: opts?.example ?? false,
        selectedNodes: [], selectedEdges: [], run: null, runDocument: null, problems: [], loadCount: get().loadCount + 1,
      });
    },
    markSaved: (doc: PipelineDocument, path: string | null) => set({ savedDoc: doc, documentPath: path, documentIsExample: false }),
    commit: (changes: PipelineChange[], select?: string[]) => {
      try {
        const history = commit(get().history, changes);
        set({
          history,
          selectedNodes: select ?? keepExisting(history.present, get().selectedNodes),
          selectedEdges: select ? [] : get().selectedEdges,
        });
      } catch (err) {
        get().toast('error', err instanceof Error ? err.message : String(err));
      }
    },
    undo: () => moveTo(undo(get().history)),
    redo: () => moveTo(redo(get().history)),
    beginDrag: () => set({ dragStart: get().history.present }),
    dragTo: (positions: Record<string, XY>) => set({ history: applyTransient(get().history, [{ type: 'moveNodes', positions }]) }),
    gestureTo: (changes: PipelineChange[]) => set({ history: applyTransient(get().history, changes) }),
    endDrag: () => {
      const start = get().dragStart;
      set({ dragStart: null, history: start ? checkpoint(get().history, start) : get().history });
    },
  };
}

/** Catalog, selection, messages and the paths the user chose. */
function uiSlice(set: SetState, get: GetState) {
  return {
    catalog: [] as NodeKindSpec[],
    kinds: new Map<string, NodeKindSpec>(),
    selectedNodes: [] as string[],
    selectedEdges: [] as string[],
    toasts: [] as Toast[],
    dialog: null as ErrorDialog | null,
    problems: [] as Problem[],
    allowedPaths: [] as string[],
    view: 'editor' as AppView,
    resultsFocus: null as { runId: string; nodeId: string } | null,
    showView: (view: AppView) => set({ view }),
    showResults: (runId: string, nodeId: string) => set({ view: 'runs', resultsFocus: { runId, nodeId } }),
    setCatalog: (kinds: NodeKindSpec[]) => set({ catalog: kinds, kinds: new Map(kinds.map((k) => [k.kind, k])) }),
    select: (nodes: string[], edges: string[] = []) => set({ selectedNodes: nodes, selectedEdges: edges }),
    toast: (tone: Toast['tone'], message: string, hint?: string, action?: ToastAction) => {
      const id = ++toastSeq;
      set({ toasts: [...get().toasts.slice(-3), { id, tone, message, hint, ...(action ? { action } : {}) }] });
    },
    dismissToast: (id: number) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
    showDialog: (dialog: ErrorDialog | null) => set({ dialog }),
    setProblems: (problems: Problem[]) => set({ problems }),
    allowPath: (path: string) => {
      if (!get().allowedPaths.includes(path)) set({ allowedPaths: [...get().allowedPaths, path] });
    },
    trustRequest: null as TrustRequest | null,
    setTrustRequest: (trustRequest: TrustRequest | null) => set({ trustRequest }),
  };
}

/** The live run shown on the nodes. */
function runSlice(set: SetState, get: GetState) {
  return {
    run: null as RunView | null,
    awaitingRun: false,
    runDocument: null as PipelineDocument | null,
    pendingRunDocument: null as PipelineDocument | null,
    setAwaitingRun: (awaitingRun: boolean, document?: PipelineDocument) => set({ awaitingRun, pendingRunDocument: awaitingRun ? document ?? null : null }),
    startRun: (runId: string, nodeIds: string[]) => {
      // The run.started event may have arrived before the call returned.
      if (get().run?.runId === runId) return set({ awaitingRun: false, pendingRunDocument: null });
      const nodes = Object.fromEntries(nodeIds.map((id) => [id, { status: 'pending' as const }]));
      set({ run: { runId, status: 'running', nodes }, awaitingRun: false, runDocument: get().pendingRunDocument ?? get().history.present, pendingRunDocument: null });
    },
    applyRunEvent: (ev: RunEvent) => {
      const { run, awaitingRun } = get();
      if (ev.type === 'run.started' && awaitingRun && run?.runId !== ev.runId) {
        set({ run: applyRunEvent(null, ev), awaitingRun: false, runDocument: get().pendingRunDocument ?? get().history.present });
        return;
      }
      const next = withSweepStates(applyRunEvent(run, ev));
      if (next !== run) set({ run: next });
    },
    mergeRunRecord: (record: RunRecord) => {
      const { run } = get();
      const next = mergeRunRecordReports(run, record);
      if (next !== run) set({ run: next });
    },
  };
}

export function createPipelineStore(initial: PipelineDocument = emptyDocument()): PipelineStore {
  return createStore<PipelineState>()((set, get) => ({
    ...documentSlice(set, get, initial),
    ...uiSlice(set, get),
    ...runSlice(set, get),
  }));
}
