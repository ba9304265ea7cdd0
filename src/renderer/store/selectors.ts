// Module-level selectors for usePipelineStore: stable function identities, one place.
import type { PipelineState } from './createPipelineStore.ts';
import { selectOutdated, selectProblemMessagesByNode } from './derived.ts';
import type { PipelineNode } from '../../shared/pipeline/document.ts';

export const selectDocument = (s: PipelineState) => s.history.present;
export const selectNodes = (s: PipelineState) => s.history.present.nodes;
export const selectEdges = (s: PipelineState) => s.history.present.edges;
export const selectDocumentName = (s: PipelineState) => s.history.present.name;
export const selectDocumentPath = (s: PipelineState) => s.documentPath;
export const selectIsDirty = (s: PipelineState) => s.savedDoc !== s.history.present;
export const selectCanUndo = (s: PipelineState) => s.history.past.length > 0;
export const selectCanRedo = (s: PipelineState) => s.history.future.length > 0;
export const selectCatalog = (s: PipelineState) => s.catalog;
export const selectKinds = (s: PipelineState) => s.kinds;
export const selectSelectedNodes = (s: PipelineState) => s.selectedNodes;
export const selectSelectedEdges = (s: PipelineState) => s.selectedEdges;
export const selectToasts = (s: PipelineState) => s.toasts;
export const selectRun = (s: PipelineState) => s.run;
export const selectIsRunning = (s: PipelineState) => s.run?.status === 'running';
export const selectLoadCount = (s: PipelineState) => s.loadCount;
export const selectAllowedPaths = (s: PipelineState) => s.allowedPaths;

/** A node's run state; a factory because it closes over the id (memoize per node). */
export function nodeRunSelector(nodeId: string) {
  return (s: PipelineState) => s.run?.nodes[nodeId];
}

/** What the inspector edits of the selected node; the same object while a drag only moves it. */
export interface InspectedNode { id: string; kind: string; params: PipelineNode['params']; label?: string }
let lastInspected: InspectedNode | undefined;

/** The one selected node's content (undefined unless exactly one node is selected). */
export function selectInspectedNode(s: PipelineState): InspectedNode | undefined {
  if (s.selectedNodes.length !== 1) return undefined;
  const id = s.selectedNodes[0];
  const n = s.history.present.nodes.find((x) => x.id === id);
  if (!n) return undefined;
  const last = lastInspected;
  if (last && last.id === n.id && last.kind === n.kind && last.params === n.params && last.label === n.label) return last;
  lastInspected = { id: n.id, kind: n.kind, params: n.params, ...(n.label !== undefined ? { label: n.label } : {}) };
  return lastInspected;
}

export function nodeSelector(nodeId: string) {
  return (s: PipelineState) => s.history.present.nodes.find((n) => n.id === nodeId);
}
export const selectDialog = (s: PipelineState) => s.dialog;
export const selectProblems = (s: PipelineState) => s.problems;
export const selectDocumentIsExample = (s: PipelineState) => s.documentIsExample;
export const selectAwaitingRun = (s: PipelineState) => s.awaitingRun;

/**
 * The validation messages about one node, joined (a string, so unchanged means equal): those
 * of the last run attempt and, at once, any param value the catalog refuses.
 */
export function nodeProblemsSelector(nodeId: string) {
  return (s: PipelineState) => selectProblemMessagesByNode(s).get(nodeId) ?? '';
}

/** True when the node's shown results predate an edit of its params or inputs. */
export function nodeOutdatedSelector(nodeId: string) {
  return (s: PipelineState) => selectOutdated(s).has(nodeId);
}
export const selectView = (s: PipelineState) => s.view;
export const selectResultsFocus = (s: PipelineState) => s.resultsFocus;
