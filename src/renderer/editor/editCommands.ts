// The editing commands behind the shortcuts and the Edit buttons: delete, duplicate,
// copy, paste, select all. Each is one undo step.
import { edgeKey } from '../../shared/editor/changes.ts';
import { copySelection, planDuplicate, planPaste, type PipelineClipboard } from '../../shared/editor/clipboard.ts';
import type { PipelineStore } from '../store/createPipelineStore.ts';

/** The last copied selection; pasting repeatedly cascades it down and to the right. */
let clipboard: PipelineClipboard | null = null;
let pasteCount = 0;

export function deleteSelection(store: PipelineStore): void {
  const s = store.getState();
  const nodes = s.selectedNodes;
  const edges = s.selectedEdges;
  if (nodes.length === 0 && edges.length === 0) return;
  s.commit([
    ...(edges.length ? [{ type: 'removeEdges' as const, keys: edges }] : []),
    ...(nodes.length ? [{ type: 'removeNodes' as const, ids: nodes }] : []),
  ], []);
}

export function duplicateSelection(store: PipelineStore): void {
  const s = store.getState();
  if (s.selectedNodes.length === 0) return;
  const plan = planDuplicate(s.history.present, s.selectedNodes);
  s.commit(plan.changes, plan.newIds);
}

export function copySelectionToClipboard(store: PipelineStore): boolean {
  const s = store.getState();
  if (s.selectedNodes.length === 0) return false;
  clipboard = copySelection(s.history.present, s.selectedNodes);
  pasteCount = 0;
  // The system clipboard is a convenience (pasting the JSON elsewhere); it may be refused.
  navigator.clipboard?.writeText(JSON.stringify(clipboard, null, 2)).catch(() => undefined);
  return true;
}

export function cutSelection(store: PipelineStore): void {
  if (copySelectionToClipboard(store)) deleteSelection(store);
}

export function pasteClipboard(store: PipelineStore): void {
  if (!clipboard) return;
  pasteCount++;
  const s = store.getState();
  const plan = planPaste(s.history.present, clipboard, { x: 40 * pasteCount, y: 40 * pasteCount });
  s.commit(plan.changes, plan.newIds);
}

export function selectAll(store: PipelineStore): void {
  const doc = store.getState().history.present;
  store.getState().select(doc.nodes.map((n) => n.id), doc.edges.map(edgeKey));
}
