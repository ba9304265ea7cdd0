// The slice of the pipeline document the editor's graph logic works on. It mirrors
// src/shared/pipeline's document types structurally so the editor logic stays testable alone.
import type { Params } from '../catalog/types.ts';

export interface XY { x: number; y: number }

export interface EditorNode {
  id: string;
  kind: string;
  params: Params;
  label?: string;
  position?: XY;
}

/** An edge joins an output port to an input port: [nodeId, portName]. */
export interface EditorEdge {
  from: [string, string];
  to: [string, string];
}

export interface EditorDocument {
  format: string;
  version: number;
  name: string;
  nodes: EditorNode[];
  edges: EditorEdge[];
}
