// Runs as data: the events the engine streams per node, and the run record kept in
// run history (what the results view, the CLI's --json and `runs.get` return).
import { z } from 'zod';
import type { NodeKindSpec, PortValue } from '../catalog/types.ts';
import { StoredPipelineDocumentSchema } from '../pipeline/stored.ts';
import { SweepPlanSchema } from '../pipeline/sweep.ts';

export const ErrorDataSchema = z.object({
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
  nodeId: z.string().optional(),
});

export const MetricsSchema = z.record(z.string(), z.union([z.number(), z.string(), z.boolean()]));
export const ReportSchema = z.object({ kind: z.string(), title: z.string(), data: z.unknown() });
export type Report = z.output<typeof ReportSchema>;

export const PortValueSchema = z.custom<PortValue>(
  (v) => typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string',
  'Expected a port value.',
);
export const NodeKindSpecSchema = z.custom<NodeKindSpec>(
  (v) => typeof v === 'object' && v !== null && typeof (v as { kind?: unknown }).kind === 'string',
  'Expected a node kind spec.',
);

/**
 * A node's state in a run; the editor shows it on the node. A node ends done, done with
 * warnings (`warning`: usable, but not all its label promises; DESIGN.md §9), or failed.
 * A cached node keeps the warnings it was stored with (see `nodeOutcome`).
 */
export const NodeStatusSchema = z.enum(['pending', 'queued', 'running', 'cached', 'done', 'warning', 'failed', 'cancelled', 'skipped']);
export type NodeStatus = z.output<typeof NodeStatusSchema>;
export const RunStatusSchema = z.enum(['running', 'done', 'failed', 'cancelled']);
export type RunStatus = z.output<typeof RunStatusSchema>;

/** A node's warnings, the main one first; absent means none. */
const WarningsSchema = z.array(z.string()).optional();

const base = { runId: z.string(), atMs: z.number() };
const nodeBase = { ...base, nodeId: z.string() };

export const RunEventSchema = z.discriminatedUnion('type', [
  z.object({ ...base, type: z.literal('run.started'), nodeIds: z.array(z.string()) }),
  z.object({ ...nodeBase, type: z.literal('queued') }),
  z.object({ ...nodeBase, type: z.literal('started') }),
  z.object({ ...nodeBase, type: z.literal('progress'), value: z.number(), max: z.number(), message: z.string().optional() }),
  z.object({ ...nodeBase, type: z.literal('cached'), metrics: MetricsSchema, warnings: WarningsSchema }),
  z.object({ ...nodeBase, type: z.literal('finished'), metrics: MetricsSchema, durationMs: z.number(), warnings: WarningsSchema }),
  z.object({ ...nodeBase, type: z.literal('failed'), error: ErrorDataSchema }),
  z.object({ ...nodeBase, type: z.literal('cancelled') }),
  z.object({ ...nodeBase, type: z.literal('skipped'), reason: z.string() }),
  z.object({ ...nodeBase, type: z.literal('report'), report: ReportSchema }),
  z.object({ ...nodeBase, type: z.literal('log'), message: z.string() }),
  z.object({ ...base, type: z.literal('run.finished'), status: RunStatusSchema, error: ErrorDataSchema.optional() }),
]);
export type RunEvent = z.output<typeof RunEventSchema>;

export const NodeRunRecordSchema = z.object({
  nodeId: z.string(),
  kind: z.string(),
  status: NodeStatusSchema,
  cacheKey: z.string().optional(),
  /** The params the node ran with, defaults filled in. */
  params: z.record(z.string(), z.unknown()).optional(),
  startedAt: z.string().optional(),
  durationMs: z.number().optional(),
  progress: z.object({ value: z.number(), max: z.number(), message: z.string().optional() }).optional(),
  metrics: MetricsSchema,
  reports: z.array(ReportSchema),
  warnings: z.array(z.string()),
  outputs: z.record(z.string(), PortValueSchema),
  /** Files this node produced (cache entries and exported files), absolute paths. */
  artifacts: z.array(z.string()),
  error: ErrorDataSchema.optional(),
  skippedReason: z.string().optional(),
});
export type NodeRunRecord = z.output<typeof NodeRunRecordSchema>;

export const HostInfoSchema = z.object({
  cpu: z.string(),
  cores: z.number(),
  platform: z.string(),
  arch: z.string(),
  memoryBytes: z.number(),
});

export const RunRecordSchema = z.object({
  id: z.string(),
  status: RunStatusSchema,
  name: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().optional(),
  durationMs: z.number().optional(),
  /** Records written before a format bump hold an older document: migrated on read. */
  document: StoredPipelineDocumentSchema,
  documentPath: z.string().nullable(),
  versions: z.object({ whittle: z.string(), onnxruntime: z.string(), node: z.string() }),
  host: HostInfoSchema,
  error: ErrorDataSchema.optional(),
  /** Node ids in the order the engine ran them. */
  order: z.array(z.string()),
  nodes: z.record(z.string(), NodeRunRecordSchema),
  /** The user's labels and notes on a run (runs.update); absent until set. */
  tags: z.array(z.string()).optional(),
  note: z.string().optional(),
  /** A sweep run: its variants (document above is the expansion that ran) and the swept source document. */
  sweep: SweepPlanSchema.optional(),
  sweepSource: StoredPipelineDocumentSchema.optional(),
});
export type RunRecord = z.output<typeof RunRecordSchema>;

export const RunSummarySchema = RunRecordSchema.pick({
  id: true, status: true, name: true, startedAt: true, finishedAt: true, durationMs: true, documentPath: true, error: true, tags: true, note: true,
}).extend({
  nodeCount: z.number(),
  failedNodeIds: z.array(z.string()),
  /** Nodes that ended done with warnings (fresh or cached); the run itself is still done. */
  warningNodeIds: z.array(z.string()).default([]),
});
export type RunSummary = z.output<typeof RunSummarySchema>;

export { nodeOutcome, nodeSucceeded } from './node-outcome.ts';
