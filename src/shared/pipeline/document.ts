// The pipeline document of DESIGN.md §3: its zod schema (strict: unknown fields are
// rejected), the types derived from it, and the format constants.
import { z } from 'zod';
import { SweepSettingsSchema, SweepSpecSchema } from './sweep-spec.ts';
import { PIPELINE_FORMAT, PIPELINE_VERSION } from './document-format.ts';

export { PIPELINE_FORMAT, PIPELINE_VERSION, MAX_PIPELINE_BYTES, emptyDocument } from './document-format.ts';

export const ParamValueSchema = z.union([
  z.number(),
  z.string(),
  z.boolean(),
  z.array(z.string()),
  z.record(z.string(), z.number()),
]);

export const PositionSchema = z.strictObject({ x: z.number(), y: z.number() });

export const PipelineNodeSchema = z.strictObject({
  id: z.string().min(1, 'A node id must not be empty.'),
  kind: z.string().min(1, 'A node kind must not be empty.'),
  /** The catalog version of `kind` this node was written against (optional). */
  kindVersion: z.number().int().positive().optional(),
  /** A user-given title shown on the canvas instead of the kind's title. */
  label: z.string().optional(),
  /** Only params that differ from the defaults need to be present. */
  params: z.record(z.string(), ParamValueSchema).default({}),
  position: PositionSchema.optional(),
  /** Params that hold a sweep instead of their value (version 2): param name -> sweep. */
  sweeps: z.record(z.string(), SweepSpecSchema).optional(),
});

/** One end of an edge: [nodeId, portName]. */
export const PortRefSchema = z.tuple([z.string().min(1), z.string().min(1)]);

export const PipelineEdgeSchema = z.strictObject({
  from: PortRefSchema,
  to: PortRefSchema,
});

export const SizeSchema = z.strictObject({ width: z.number().positive(), height: z.number().positive() });

/**
 * A titled rectangle on the canvas (version 2). Membership is geometric, as in ComfyUI:
 * the nodes inside it when it starts to move go along. Execution ignores groups.
 */
export const PipelineGroupSchema = z.strictObject({
  id: z.string().min(1, 'A group id must not be empty.'),
  title: z.string().default('Group'),
  position: PositionSchema,
  size: SizeSchema,
});

/** A sticky note with markdown-ish text (version 2). Execution ignores notes. */
export const PipelineNoteSchema = z.strictObject({
  id: z.string().min(1, 'A note id must not be empty.'),
  text: z.string().default(''),
  position: PositionSchema,
  size: SizeSchema,
});

export const PipelineDocumentSchema = z.strictObject({
  format: z.literal(PIPELINE_FORMAT),
  version: z.literal(PIPELINE_VERSION),
  name: z.string().default('Untitled pipeline'),
  description: z.string().optional(),
  nodes: z.array(PipelineNodeSchema).default([]),
  edges: z.array(PipelineEdgeSchema).default([]),
  /** How a run picks the variants of its sweeps (version 2); absent: the whole product. */
  sweep: SweepSettingsSchema.optional(),
  /** Canvas-only decorations (version 2); absent when there are none. */
  groups: z.array(PipelineGroupSchema).optional(),
  notes: z.array(PipelineNoteSchema).optional(),
});

export type PipelineDocument = z.output<typeof PipelineDocumentSchema>;
export type PipelineNode = z.output<typeof PipelineNodeSchema>;
export type PipelineEdge = z.output<typeof PipelineEdgeSchema>;
export type PortRef = z.output<typeof PortRefSchema>;
export type Position = z.output<typeof PositionSchema>;
export type PipelineGroup = z.output<typeof PipelineGroupSchema>;
export type PipelineNote = z.output<typeof PipelineNoteSchema>;

/**
 * One problem found in a document. Validation returns every problem at once; each names
 * the node (and param or edge) it belongs to when there is one.
 */
export const ProblemSchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  nodeId: z.string().optional(),
  /** The param the problem is about. */
  param: z.string().optional(),
  /** Index into `edges` when the problem is about an edge. */
  edgeIndex: z.number().int().optional(),
  /** JSON path of a schema problem, e.g. "nodes.2.position.x". */
  path: z.string().optional(),
});
export type Problem = z.output<typeof ProblemSchema>;
