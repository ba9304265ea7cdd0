// Undo/redo over immutable document snapshots. A commit pushes the current document;
// a transient update (a node being dragged) replaces it without a history entry, and
// `checkpoint` records the state the gesture started from when it ends.
import { applyPipelineChanges, type PipelineChange } from './changes.ts';
import type { EditorDocument } from './types.ts';

export interface History<D extends EditorDocument = EditorDocument> {
  past: D[];
  present: D;
  future: D[];
}

export const HISTORY_LIMIT = 200;

export function createHistory<D extends EditorDocument>(doc: D): History<D> {
  return { past: [], present: doc, future: [] };
}

function pushPast<D extends EditorDocument>(past: D[], doc: D): D[] {
  const next = [...past, doc];
  return next.length > HISTORY_LIMIT ? next.slice(next.length - HISTORY_LIMIT) : next;
}

/** Applies changes as one undoable step. No-op changes leave the history untouched. */
export function commit<D extends EditorDocument>(h: History<D>, changes: readonly PipelineChange[]): History<D> {
  const next = applyPipelineChanges(h.present, changes);
  if (next === h.present) return h;
  return { past: pushPast(h.past, h.present), present: next, future: [] };
}

/** Applies changes without an undo step (live drag); pair with `checkpoint` at the end. */
export function applyTransient<D extends EditorDocument>(h: History<D>, changes: readonly PipelineChange[]): History<D> {
  const next = applyPipelineChanges(h.present, changes);
  return next === h.present ? h : { ...h, present: next };
}

/** Records `before` (the document when a gesture began) as one undo step. */
export function checkpoint<D extends EditorDocument>(h: History<D>, before: D): History<D> {
  if (before === h.present) return h;
  return { past: pushPast(h.past, before), present: h.present, future: [] };
}

export function canUndo(h: History): boolean {
  return h.past.length > 0;
}

export function canRedo(h: History): boolean {
  return h.future.length > 0;
}

export function undo<D extends EditorDocument>(h: History<D>): History<D> {
  if (h.past.length === 0) return h;
  const prev = h.past[h.past.length - 1];
  return { past: h.past.slice(0, -1), present: prev, future: [h.present, ...h.future] };
}

export function redo<D extends EditorDocument>(h: History<D>): History<D> {
  if (h.future.length === 0) return h;
  const [next, ...rest] = h.future;
  return { past: pushPast(h.past, h.present), present: next, future: rest };
}
