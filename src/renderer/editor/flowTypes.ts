// The React Flow node and edge types the canvas renders, derived from the document.
import type { Edge, Node } from '@xyflow/react';
import type { NodeKindSpec } from '../../shared/catalog/types.ts';

export interface PipelineNodeData extends Record<string, unknown> {
  kind: string;
  /** Undefined when the kind is not in this Whittle's catalog (a newer document). */
  spec: NodeKindSpec | undefined;
  label?: string;
}

export type PipelineFlowNode = Node<PipelineNodeData, 'pipeline'>;
export type PipelineFlowEdge = Edge;
