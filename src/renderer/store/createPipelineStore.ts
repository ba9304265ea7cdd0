// The factory for one editor's store: the document with its undo history, selection,
// catalog, toasts and the live run. Edits go through `commit` (one undo step each).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { NodeKindSpec } from '../../shared/catalog/types.ts';
import type { RunEvent } from '../../shared/api/run.ts';
import type { PipelineDocument, Problem } from '../../shared/pipeline/document.ts';
import { emptyDocument } from '../../shared/pipeline/document.ts';
import type { PipelineChange } from '../../shared/editor/changes.ts';
import { applyTransient, checkpoint, commit, createHistory, redo, undo, type History } from '../../shared/editor/history.ts';
import { autoLayout } from '../../shared/editor/layout.ts';
import type { XY } from '../../shared/editor/types.ts';
import { applyRunEvent, type RunView } from './runView.ts';

export interface Toast {
  id: number;
  tone: 'error' | 'info' | 'success';
  message: string;
  hint?: string;
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
  /** Bumped on every load so the canvas re-fits the view. */
  loadCount: number;

  setCatalog(kinds: NodeKindSpec[]): void;
  loadDocument(doc: PipelineDocument, path: string | null, opts?: { dirty?: boolean; example?: boolean }): void;
  showDialog(dialog: ErrorDialog | null): void;
  setProblems(problems: Problem[]): void;
  setAwaitingRun(awaiting: boolean): void;
  markSaved(doc: PipelineDocument, path: string | null): void;
  commit(changes: PipelineChange[], select?: string[]): void;
  undo(): void;
  redo(): void;
  beginDrag(): void;
  dragTo(positions: Record<string, XY>): void;
  endDrag(): void;
  select(nodes: string[], edges?: string[]): void;
  toast(tone: Toast['tone'], message: string, hint?: string): void;
  dismissToast(id: number): void;
  startRun(runId: string, nodeIds: string[]): void;
  applyRunEvent(ev: RunEvent): void;
  allowPath(path: string): void;
}

export type PipelineStore = StoreApi<PipelineState>;

let toastSeq = 0;

export function createPipelineStore(initial: PipelineDocument = emptyDocument()): PipelineStore {
  return createStore<PipelineState>()((set, get) => ({
    catalog: [],
    kinds: new Map(),
    history: createHistory(initial),
    savedDoc: initial,
    documentPath: null,
    selectedNodes: [],
    selectedEdges: [],
    dragStart: null,
    toasts: [],
    run: null,
    allowedPaths: [],
    loadCount: 0,
    documentIsExample: false,
    dialog: null,
    problems: [],
    awaitingRun: false,

    setCatalog: (kinds) => set({ catalog: kinds, kinds: new Map(kinds.map((k) => [k.kind, k])) }),
    loadDocument: (doc, path, opts) => {
      const laid = autoLayout(doc);
      set({
        history: createHistory(laid), savedDoc: opts?.dirty ? null : laid, documentPath: path, documentIsExample: opts?.example ?? false,
        selectedNodes: [], selectedEdges: [], run: null, problems: [], loadCount: get().loadCount + 1,
      });
    },
    markSaved: (doc, path) => set({ savedDoc: doc, documentPath: path, documentIsExample: false }),
    showDialog: (dialog) => set({ dialog }),
    setProblems: (problems) => set({ problems }),
    setAwaitingRun: (awaitingRun) => set({ awaitingRun }),
    commit: (changes, select) => {
      try {
        const history = commit(get().history, changes);
        const ids = new Set(history.present.nodes.map((n) => n.id));
        set({
          history,
          selectedNodes: select ?? get().selectedNodes.filter((id) => ids.has(id)),
          selectedEdges: select ? [] : get().selectedEdges,
        });
      } catch (err) {
        get().toast('error', err instanceof Error ? err.message : String(err));
      }
    },
    undo: () => set({ history: undo(get().history) }),
    redo: () => set({ history: redo(get().history) }),
    beginDrag: () => set({ dragStart: get().history.present }),
    dragTo: (positions) => set({ history: applyTransient(get().history, [{ type: 'moveNodes', positions }]) }),
    endDrag: () => {
      const start = get().dragStart;
      set({ dragStart: null, history: start ? checkpoint(get().history, start) : get().history });
    },
    select: (nodes, edges = []) => set({ selectedNodes: nodes, selectedEdges: edges }),
    toast: (tone, message, hint) => {
      const id = ++toastSeq;
      set({ toasts: [...get().toasts.slice(-3), { id, tone, message, hint }] });
    },
    dismissToast: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
    startRun: (runId, nodeIds) => {
      // The run.started event may have arrived before the call returned.
      if (get().run?.runId === runId) return set({ awaitingRun: false });
      const nodes = Object.fromEntries(nodeIds.map((id) => [id, { status: 'pending' as const }]));
      set({ run: { runId, status: 'running', nodes }, awaitingRun: false });
    },
    applyRunEvent: (ev) => {
      const { run, awaitingRun } = get();
      if (ev.type === 'run.started' && awaitingRun && run?.runId !== ev.runId) {
        set({ run: applyRunEvent(null, ev), awaitingRun: false });
        return;
      }
      const next = applyRunEvent(run, ev);
      if (next !== run) set({ run: next });
    },
    allowPath: (path) => {
      if (!get().allowedPaths.includes(path)) set({ allowedPaths: [...get().allowedPaths, path] });
    },
  }));
}
