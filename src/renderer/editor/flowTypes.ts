// The React Flow node and edge types the canvas renders, derived from the document.
import type { Edge, Node } from '@xyflow/react';
import type { NodeKindSpec, Params } from '../../shared/catalog/types.ts';
import type { SweepSpec } from '../../shared/pipeline/sweep-spec.ts';

export interface PipelineNodeData extends Record<string, unknown> {
  kind: string;
  /** Undefined when the kind is not in this Whittle's catalog (a newer document). */
  spec: NodeKindSpec | undefined;
  label?: string;
  /** The node's params (same object while a drag moves it): its face shows the key ones. */
  params: Params;
  /** Swept params: the face shows the sweep in place of the base value. */
  sweeps?: Record<string, SweepSpec>;
}

export type PipelineFlowNode = Node<PipelineNodeData, 'pipeline'>;

/** Canvas-only decorations (not React Flow's built-in 'group' type, which nests children). */
export const GROUP_NODE_TYPE = 'whGroup';
export const NOTE_NODE_TYPE = 'whNote';
export type GroupFlowNode = Node<{ title: string }, typeof GROUP_NODE_TYPE>;
export type NoteFlowNode = Node<{ text: string }, typeof NOTE_NODE_TYPE>;
export type CanvasFlowNode = PipelineFlowNode | GroupFlowNode | NoteFlowNode;
export type PipelineFlowEdge = Edge;
