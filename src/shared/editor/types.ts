// The slice of the pipeline document the editor's graph logic works on. It mirrors
// src/shared/pipeline's document types structurally so the editor logic stays testable alone.
import type { Params } from '../catalog/types.ts';
import type { SweepSettings, SweepSpec } from '../pipeline/sweep-spec.ts';

export interface XY { x: number; y: number }

export interface EditorNode {
  id: string;
  kind: string;
  params: Params;
  label?: string;
  position?: XY;
  /** Params holding a sweep instead of their value. */
  sweeps?: Record<string, SweepSpec>;
}

/** An edge joins an output port to an input port: [nodeId, portName]. */
export interface EditorEdge {
  from: [string, string];
  to: [string, string];
}

export interface Size { width: number; height: number }

/** A titled rectangle; the nodes inside it move with it. Not part of execution. */
export interface EditorGroup {
  id: string;
  title: string;
  position: XY;
  size: Size;
}

/** A sticky note with markdown-ish text. Not part of execution. */
export interface EditorNote {
  id: string;
  text: string;
  position: XY;
  size: Size;
}

export interface EditorDocument {
  format: string;
  version: number;
  name: string;
  nodes: EditorNode[];
  edges: EditorEdge[];
  /** How a run samples the sweeps' variants. */
  sweep?: SweepSettings;
  groups?: EditorGroup[];
  notes?: EditorNote[];
}
